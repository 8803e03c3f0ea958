package org.transformer4j.figure;

import static org.transformer4j.figure.NeuronView.ravel;
import static org.transformer4j.figure.NeuronView.unravel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.transformer4j.autograd.Variable;
import org.transformer4j.nn.Module;
import org.transformer4j.tensor.Tensor;

/** Where each element of a view's output was copied from in its input, as row-major flat indices. */
final class IndexMaps {
    private IndexMaps() {
    }

    /**
     * The map for a view op; axes, offsets and permutations come from the shapes and, where several
     * fit, from the values (a view copies them bit for bit). Null if none fits.
     */
    static int[] of(String op, Tensor x, Tensor y) {
        int[] xs = x.shape();
        int[] ys = y.shape();
        List<int[]> candidates = new ArrayList<>();
        switch (op) {
            case "reshape", "contiguous", "squeeze", "unsqueeze" -> candidates.add(map(ys, idx -> ravel(idx, ys)));
            case "expand" -> candidates.add(map(ys, idx -> broadcast(ravel(idx, ys), ys, xs)));
            case "transpose", "permute" -> permutations(new int[xs.length], 0, new boolean[xs.length], perm -> {
                for (int a = 0; a < ys.length; a++) {
                    if (ys.length != xs.length || ys[a] != xs[perm[a]]) {
                        return;
                    }
                }
                candidates.add(map(ys, idx -> {
                    int[] src = new int[xs.length];
                    for (int a = 0; a < idx.length; a++) {
                        src[perm[a]] = idx[a];
                    }
                    return ravel(src, xs);
                }));
            });
            case "narrow" -> {
                for (int a = 0; a < xs.length && ys.length == xs.length; a++) {
                    if (!sameExcept(xs, ys, a) || (Arrays.equals(xs, ys) && a > 0)) {
                        continue;
                    }
                    for (int start = 0; start + ys[a] <= xs[a]; start++) {
                        int axis = a;
                        int from = start;
                        candidates.add(map(ys, idx -> {
                            idx[axis] += from;
                            return ravel(idx, xs);
                        }));
                    }
                }
            }
            case "select" -> {
                for (int a = 0; a < xs.length && ys.length == xs.length - 1; a++) {
                    int[] without = new int[ys.length];
                    for (int d = 0, k = 0; d < xs.length; d++) {
                        if (d != a) {
                            without[k++] = xs[d];
                        }
                    }
                    for (int index = 0; Arrays.equals(without, ys) && index < xs[a]; index++) {
                        int axis = a;
                        int at = index;
                        candidates.add(map(ys, idx -> {
                            int[] src = new int[xs.length];
                            for (int d = 0, k = 0; d < xs.length; d++) {
                                src[d] = d == axis ? at : idx[k++];
                            }
                            return ravel(src, xs);
                        }));
                    }
                }
            }
            default -> { }
        }
        if (candidates.size() <= 1) {
            return candidates.isEmpty() ? null : candidates.get(0);
        }
        float[] xv = x.toArray();
        float[] yv = y.toArray();
        for (int[] m : candidates) {
            boolean same = true;
            for (int i = 0; i < m.length && same; i++) {
                same = Float.compare(yv[i], xv[m[i]]) == 0;
            }
            if (same) {
                return m;
            }
        }
        return candidates.get(0);
    }

    private static boolean sameExcept(int[] xs, int[] ys, int axis) {
        for (int a = 0; a < xs.length; a++) {
            if (a == axis ? ys[a] > xs[a] : ys[a] != xs[a]) {
                return false;
            }
        }
        return true;
    }

    private static int[] map(int[] ys, java.util.function.ToIntFunction<int[]> source) {
        int n = 1;
        for (int d : ys) {
            n *= d;
        }
        int[] m = new int[n];
        for (int i = 0; i < n; i++) {
            m[i] = source.applyAsInt(unravel(i, ys));
        }
        return m;
    }

    private static void permutations(int[] perm, int at, boolean[] used, java.util.function.Consumer<int[]> f) {
        if (at == perm.length) {
            f.accept(perm.clone());
            return;
        }
        for (int a = 0; a < perm.length; a++) {
            if (!used[a]) {
                used[a] = true;
                perm[at] = a;
                permutations(perm, at + 1, used, f);
                used[a] = false;
            }
        }
    }

    /** Whether a value of shape xs broadcasts to ys (numpy rules, aligned on the right). */
    static boolean broadcastsTo(int[] xs, int[] ys) {
        if (xs.length > ys.length) {
            return false;
        }
        for (int a = 1; a <= xs.length; a++) {
            int d = xs[xs.length - a];
            if (d != 1 && d != ys[ys.length - a]) {
                return false;
            }
        }
        return true;
    }

    /** The flat index in xs of the element broadcast to flat index i of ys. */
    static int broadcast(int i, int[] ys, int[] xs) {
        int[] idx = unravel(i, ys);
        int[] src = new int[xs.length];
        for (int a = 1; a <= xs.length; a++) {
            src[xs.length - a] = xs[xs.length - a] == 1 ? 0 : idx[ys.length - a];
        }
        return ravel(src, xs);
    }
}
