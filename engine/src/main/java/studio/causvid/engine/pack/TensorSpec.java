package studio.causvid.engine.pack;

import java.util.List;

/** One input or output of a graph as the manifest declares it; -1 marks a dynamic axis. */
public record TensorSpec(String name, String dtype, List<Long> shape) {

  /** The shape as a {@code long[]}. */
  public long[] dims() {
    return shape.stream().mapToLong(Long::longValue).toArray();
  }

  /** True when both shapes have the same rank and agree on every axis that both fix. */
  public static boolean compatible(long[] a, long[] b) {
    if (a.length != b.length) {
      return false;
    }
    for (int i = 0; i < a.length; i++) {
      if (a[i] >= 0 && b[i] >= 0 && a[i] != b[i]) {
        return false;
      }
    }
    return true;
  }

  public static String format(long[] dims) {
    StringBuilder sb = new StringBuilder("(");
    for (int i = 0; i < dims.length; i++) {
      sb.append(i == 0 ? "" : ", ").append(dims[i]);
    }
    return sb.append(dims.length == 1 ? ",)" : ")").toString();
  }
}
