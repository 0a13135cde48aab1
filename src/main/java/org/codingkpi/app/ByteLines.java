package org.codingkpi.app;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The lines of a stream as bytes, split where {@link java.io.BufferedReader#readLine} splits them
 * (at {@code \n}, {@code \r\n} or a lone {@code \r}; no empty last line after a final terminator),
 * without decoding them: the JSON parser reads UTF-8 itself, and a line is decoded only when it
 * must be. The current line is {@link #length} bytes of {@link #buffer} from {@link #start}, valid
 * until the next call of {@link #next}.
 */
final class ByteLines implements Closeable {
    private final InputStream in;
    private byte[] buf = new byte[1 << 16];
    private int pos;
    private int limit;
    private boolean eof;
    /** The last line ended with a {@code \r}: a {@code \n} right after it belongs to that line. */
    private boolean skipLf;
    private int start;
    private int length;

    ByteLines(InputStream in) {
        this.in = in;
    }

    /** Moves to the next line; false at the end of the stream. */
    boolean next() throws IOException {
        int scan = pos;
        while (true) {
            if (skipLf && scan < limit) {
                if (buf[scan] == '\n') {
                    scan++;
                    pos = scan;
                }
                skipLf = false;
            }
            for (int i = scan; i < limit; i++) {
                byte b = buf[i];
                if (b == '\n' || b == '\r') {
                    start = pos;
                    length = i - pos;
                    pos = i + 1;
                    skipLf = b == '\r';
                    return true;
                }
            }
            scan = limit;
            if (eof) {
                if (pos < limit) {
                    start = pos;
                    length = limit - pos;
                    pos = limit;
                    return true;
                }
                return false;
            }
            if (pos > 0) {
                System.arraycopy(buf, pos, buf, 0, limit - pos);
                scan -= pos;
                limit -= pos;
                pos = 0;
            }
            if (limit == buf.length) {
                buf = Arrays.copyOf(buf, buf.length * 2);
            }
            int n = in.read(buf, limit, buf.length - limit);
            if (n < 0) {
                eof = true;
            } else {
                limit += n;
            }
        }
    }

    byte[] buffer() {
        return buf;
    }

    int start() {
        return start;
    }

    int length() {
        return length;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
