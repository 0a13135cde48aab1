package org.codingkpi.kpi;

import java.util.Arrays;

/**
 * A growable big-endian buffer writing what {@link java.io.DataOutputStream} writes, byte for byte
 * (strings as modified UTF-8 with a two-byte length), without its stream layers: one per thread,
 * reused for every record the thread encodes, so an encoding allocates only its result.
 */
public final class BinaryWriter {
    private static final ThreadLocal<BinaryWriter> LOCAL = ThreadLocal.withInitial(BinaryWriter::new);
    private byte[] buf = new byte[512];
    private int pos;

    /** This thread's writer, emptied. */
    public static BinaryWriter get() {
        BinaryWriter w = LOCAL.get();
        w.pos = 0;
        return w;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, pos);
    }

    private void ensure(int n) {
        if (pos + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
        }
    }

    public void writeByte(int v) {
        ensure(1);
        buf[pos++] = (byte) v;
    }

    public void writeBoolean(boolean v) {
        writeByte(v ? 1 : 0);
    }

    public void writeShort(int v) {
        ensure(2);
        buf[pos++] = (byte) (v >>> 8);
        buf[pos++] = (byte) v;
    }

    public void writeInt(int v) {
        ensure(4);
        buf[pos++] = (byte) (v >>> 24);
        buf[pos++] = (byte) (v >>> 16);
        buf[pos++] = (byte) (v >>> 8);
        buf[pos++] = (byte) v;
    }

    public void writeLong(long v) {
        ensure(8);
        for (int shift = 56; shift >= 0; shift -= 8) {
            buf[pos++] = (byte) (v >>> shift);
        }
    }

    public void write(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, pos, b.length);
        pos += b.length;
    }

    /** As {@link java.io.DataOutputStream#writeUTF}: modified UTF-8, at most 65,535 bytes. */
    @SuppressWarnings("deprecation")
    public void writeUTF(String s) {
        int n = s.length();
        int bytes = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            bytes += c >= 0x0001 && c <= 0x007F ? 1 : c > 0x07FF ? 3 : 2;
        }
        if (bytes > 65535) {
            throw new IllegalArgumentException("a string of the state is longer than 65,535 bytes");
        }
        ensure(2 + bytes);
        buf[pos++] = (byte) (bytes >>> 8);
        buf[pos++] = (byte) bytes;
        if (bytes == n) {
            // ASCII without NUL (ids, labels): one byte per char, copied in one go
            s.getBytes(0, n, buf, pos);
            pos += n;
            return;
        }
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x0001 && c <= 0x007F) {
                buf[pos++] = (byte) c;
            } else if (c > 0x07FF) {
                buf[pos++] = (byte) (0xE0 | ((c >> 12) & 0x0F));
                buf[pos++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                buf[pos++] = (byte) (0x80 | (c & 0x3F));
            } else {
                buf[pos++] = (byte) (0xC0 | ((c >> 6) & 0x1F));
                buf[pos++] = (byte) (0x80 | (c & 0x3F));
            }
        }
    }
}
