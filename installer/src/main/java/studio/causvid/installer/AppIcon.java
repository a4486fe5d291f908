package studio.causvid.installer;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Paints the studio's icon (a play mark over a filmstrip of blocks, violet to pink). The committed
 * {@code installer/src/jpackage/causvid-studio.png} was made with {@code java
 * installer/src/main/java/studio/causvid/installer/AppIcon.java
 * installer/src/jpackage/causvid-studio.png}.
 */
public final class AppIcon {
  private AppIcon() {}

  public static void main(String[] args) throws IOException {
    int size = args.length > 1 ? Integer.parseInt(args[1]) : 256;
    ImageIO.write(paint(size), "png", Path.of(args[0]).toFile());
  }

  static BufferedImage paint(int size) {
    BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.scale(size / 256.0, size / 256.0);
    g.setPaint(new GradientPaint(0, 0, new Color(0x7c3aed), 256, 256, new Color(0xec4899)));
    g.fill(new RoundRectangle2D.Double(12, 12, 232, 232, 56, 56));
    // Four blocks of frames along the bottom: the model streams video block by block.
    for (int i = 0; i < 4; i++) {
      g.setColor(new Color(255, 255, 255, i < 3 ? 230 : 110));
      g.fill(new RoundRectangle2D.Double(40 + i * 46, 186, 38, 26, 8, 8));
    }
    Path2D play = new Path2D.Double();
    play.moveTo(100, 62);
    play.lineTo(100, 162);
    play.lineTo(184, 112);
    play.closePath();
    g.setColor(Color.WHITE);
    g.fill(play);
    g.setStroke(new BasicStroke(10, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    g.draw(play);
    g.dispose();
    return img;
  }
}
