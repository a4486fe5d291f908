package studio.causvid.app.project;

/**
 * What the clip starts from: nothing (text-to-video), a photo (frame 0) or an imported video's last
 * blocks.
 */
public enum Source {
  NONE,
  PHOTO,
  VIDEO
}
