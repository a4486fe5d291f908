package studio.causvid.app.project;

/** The frame geometry and timing a project's frames were made with (from the model pack). */
public record ClipFormat(int width, int height, int fps, int framesPerBlock, int latentSize) {}
