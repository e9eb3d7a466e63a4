package dev.ssjvm.cli;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * QR codes of ss:// URLs (ZXing makes the matrix): in a terminal as Unicode half blocks, two rows of
 * modules per line, and as a PNG. Both keep the 4-module quiet zone scanners need.
 */
final class QrCodes {
    static final int QUIET_ZONE = 4;
    /** PNG pixels per module: large enough for a phone camera and for zbarimg. */
    private static final int PNG_SCALE = 8;

    private QrCodes() {}

    /** The modules, quiet zone included; {@code get(x, y)} is a dark module. */
    static BitMatrix matrix(String text) {
        try {
            // size 0: one pixel per module, the margin in modules
            return new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, 0, 0, Map.of(
                    EncodeHintType.MARGIN, QUIET_ZONE,
                    EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M,
                    EncodeHintType.CHARACTER_SET, "UTF-8"));
        } catch (WriterException e) {
            throw new IllegalArgumentException("cannot make a QR code of this text: " + e.getMessage(), e);
        }
    }

    /**
     * Light modules are drawn as blocks and dark ones as spaces, so the code reads on the usual dark
     * terminal (light-on-dark scanners cope with the inverse too, but most phone apps want this).
     */
    static String terminal(String text) {
        BitMatrix m = matrix(text);
        StringBuilder sb = new StringBuilder();
        for (int y = 0; y < m.getHeight(); y += 2) {
            for (int x = 0; x < m.getWidth(); x++) {
                boolean topLight = !m.get(x, y);
                boolean bottomLight = y + 1 >= m.getHeight() || !m.get(x, y + 1);
                sb.append(topLight ? (bottomLight ? '\u2588' : '\u2580') : (bottomLight ? '\u2584' : ' '));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    static BufferedImage image(String text) {
        BitMatrix m = matrix(text);
        BufferedImage image = new BufferedImage(m.getWidth() * PNG_SCALE, m.getHeight() * PNG_SCALE,
                BufferedImage.TYPE_BYTE_BINARY);
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                image.setRGB(x, y, m.get(x / PNG_SCALE, y / PNG_SCALE) ? 0xff000000 : 0xffffffff);
            }
        }
        return image;
    }

    static void writePng(String text, Path file) throws IOException {
        if (!ImageIO.write(image(text), "png", file.toFile())) {
            throw new IOException(file + ": no PNG writer in this JVM");
        }
    }
}
