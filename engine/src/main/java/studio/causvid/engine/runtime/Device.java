package studio.causvid.engine.runtime;

/** Where the user asked the graphs to run. */
public enum Device {
  /** CUDA when this build and machine can use it, else CPU. */
  AUTO,
  CPU,
  CUDA
}
