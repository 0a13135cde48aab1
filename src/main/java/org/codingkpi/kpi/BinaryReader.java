package org.codingkpi.kpi;

import java.nio.charset.StandardCharsets;

/**
 * Reads what {@link BinaryWriter} (and {@link java.io.DataOutputStream}) wrote, from one array,
 * without stream layers; an ASCII string becomes a compact string in one copy.
 */
final class BinaryReader {
    private final byte[] buf;
    private final boolean skipStrings;
    private int pos;

    BinaryReader(byte[] buf) {
        this(buf, false);
    }

    /** @param skipStrings strings are skipped and read as "" (a partial decode that needs none) */
    BinaryReader(byte[] buf, boolean skipStrings) {
        this.buf = buf;
        this.skipStrings = skipStrings;
    }

    private void need(int n) {
        if (pos + n > buf.length) {
            throw new IllegalStateException("encounter state entry is truncated (" + buf.length + " bytes)");
        }
    }

    byte readByte() {
        need(1);
        return buf[pos++];
    }

    boolean readBoolean() {
        return readByte() != 0;
    }

    int readUnsignedShort() {
        need(2);
        int v = ((buf[pos] & 0xFF) << 8) | (buf[pos + 1] & 0xFF);
        pos += 2;
        return v;
    }

    int readInt() {
        need(4);
        int v = ((buf[pos] & 0xFF) << 24) | ((buf[pos + 1] & 0xFF) << 16) | ((buf[pos + 2] & 0xFF) << 8) | (buf[pos + 3] & 0xFF);
        pos += 4;
        return v;
    }

    long readLong() {
        need(8);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (buf[pos++] & 0xFF);
        }
        return v;
    }

    byte[] readBytes(int n) {
        need(n);
        byte[] b = java.util.Arrays.copyOfRange(buf, pos, pos + n);
        pos += n;
        return b;
    }

    /** As {@link java.io.DataInputStream#readUTF}. */
    String readUTF() {
        int n = readUnsignedShort();
        need(n);
        int start = pos;
        if (skipStrings) {
            pos += n;
            return "";
        }
        boolean ascii = true;
        for (int i = start; i < start + n; i++) {
            if (buf[i] <= 0) { // a byte >= 0x80, or the two-byte form of U+0000
                ascii = false;
                break;
            }
        }
        if (ascii) {
            pos += n;
            return new String(buf, start, n, StandardCharsets.ISO_8859_1);
        }
        try {
            java.io.DataInputStream in = new java.io.DataInputStream(new java.io.ByteArrayInputStream(buf, start - 2, n + 2));
            String s = in.readUTF();
            pos += n;
            return s;
        } catch (java.io.IOException e) {
            throw new IllegalStateException("encounter state entry has a malformed string", e);
        }
    }
}
