package org.transformer4j.inspect;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.transformer4j.nn.Module;
import org.transformer4j.nn.MultiHeadAttention;
import org.transformer4j.tensor.Tensor;

/**
 * The bilinear form of each attention head. A head scores query x against key y as
 * {@code (x W_Q^T)(y W_K^T)^T = x M y^T} with {@code M = W_Q^T W_K} (d_model x d_model, rank at most
 * head_dim): W_Q and W_K act only through M. For each head this reports M's singular values and
 * numerical rank, and how much of M is symmetric ({@code (M + M^T)/2}, a head that scores x against y as
 * y against x) and how much antisymmetric.
 *
 * <p>Everything is computed from head_dim x head_dim matrices in double, never from the d x d form:
 * with A = W_Q,h and B = W_K,h (head_dim x d), ||M||_F^2 = tr(A A^T B B^T), tr(M M) = tr((B A^T)^2), and
 * the singular values of M are those of R_A R_B^T where A^T = Q_A R_A and B^T = Q_B R_B.
 * Query biases and rotary positions are left out: the form is that of the weights alone.
 */
public final class QueryKeyForms {
    private QueryKeyForms() {
    }

    /**
     * One head's form.
     *
     * @param module        the attention module's path
     * @param head          the query head (0-based)
     * @param singularValues M's singular values, largest first (head_dim of them)
     * @param rank          the numerical rank: singular values above largest * d * 1.2e-7 (float epsilon)
     * @param frobenius     ||M||_F
     * @param symmetricShare  ||(M + M^T)/2||_F / ||M||_F
     * @param antisymmetricShare ||(M - M^T)/2||_F / ||M||_F (the squares of the two shares sum to 1)
     */
    public record HeadForm(String module, int head, double[] singularValues, int rank, double frobenius,
                           double symmetricShare, double antisymmetricShare) {
    }

    /** The form of every head of every softmax attention module under root, in module order. */
    public static List<HeadForm> of(Module root) {
        List<HeadForm> out = new ArrayList<>();
        for (Map.Entry<String, Module> e : attentionModules(root).entrySet()) {
            MultiHeadAttention a = (MultiHeadAttention) e.getValue();
            Tensor w = a.inProjWeight().value();   // ((heads + 2 kvHeads) headDim, dModel)
            int hd = a.headDim();
            int d = w.dim(1);
            int groups = a.heads() / a.kvHeads();
            for (int h = 0; h < a.heads(); h++) {
                double[][] q = rows(w, h * hd, hd);                                   // (hd, d)
                double[][] k = rows(w, a.heads() * hd + (h / groups) * hd, hd);       // (hd, d)
                out.add(form(e.getKey(), h, q, k, d));
            }
        }
        return out;
    }

    /** The form of M = A^T B for A, B of shape (r, d). */
    static HeadForm form(String module, int head, double[][] a, double[][] b, int d) {
        int r = a.length;
        double[][] ga = gram(a, a);   // A A^T
        double[][] gb = gram(b, b);   // B B^T
        double[][] c = gram(b, a);    // B A^T
        double norm2 = traceOfProduct(ga, gb);
        double traceMM = traceOfProduct(c, c);
        double frob = Math.sqrt(Math.max(0, norm2));
        double sym = norm2 > 0 ? Math.sqrt(Math.max(0, (norm2 + traceMM) / 2) / norm2) : 0;
        double anti = norm2 > 0 ? Math.sqrt(Math.max(0, (norm2 - traceMM) / 2) / norm2) : 0;
        double[][] ra = rFactor(a);   // A^T = Q_A R_A, R_A (r x r)
        double[][] rb = rFactor(b);
        double[][] core = new double[r][r];   // R_A R_B^T
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < r; j++) {
                double s = 0;
                for (int t = 0; t < r; t++) {
                    s += ra[i][t] * rb[j][t];
                }
                core[i][j] = s;
            }
        }
        double[] sv = LinearAlgebra.singularValues(core);
        double tol = (sv.length == 0 ? 0 : sv[0]) * Math.max(d, r) * 1.1920929e-7;
        int rank = 0;
        for (double s : sv) {
            rank += s > tol ? 1 : 0;
        }
        return new HeadForm(module, head, sv, rank, frob, sym, anti);
    }

    /** The softmax attention modules under root by path. */
    static Map<String, Module> attentionModules(Module root) {
        Map<String, Module> out = new LinkedHashMap<>();
        walk(root, "", out);
        return out;
    }

    private static void walk(Module m, String path, Map<String, Module> out) {
        if (m instanceof MultiHeadAttention) {
            out.put(path, m);
        }
        m.children().forEach((name, child) -> walk(child, path.isEmpty() ? name : path + "." + name, out));
    }

    private static double[][] rows(Tensor w, int start, int count) {
        int d = w.dim(1);
        double[][] out = new double[count][d];
        for (int i = 0; i < count; i++) {
            for (int j = 0; j < d; j++) {
                out[i][j] = w.get(start + i, j);
            }
        }
        return out;
    }

    /** X Y^T for X (r, d), Y (s, d). */
    private static double[][] gram(double[][] x, double[][] y) {
        double[][] out = new double[x.length][y.length];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < y.length; j++) {
                double s = 0;
                for (int t = 0; t < x[i].length; t++) {
                    s += x[i][t] * y[j][t];
                }
                out[i][j] = s;
            }
        }
        return out;
    }

    /** tr(X Y) for square X, Y. */
    private static double traceOfProduct(double[][] x, double[][] y) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            for (int t = 0; t < x.length; t++) {
                s += x[i][t] * y[t][i];
            }
        }
        return s;
    }

    /** R of the thin QR of X^T (X is r x d, so X^T is d x r): modified Gram-Schmidt, twice, in double. */
    private static double[][] rFactor(double[][] x) {
        int r = x.length;
        int d = x[0].length;
        double[][] cols = new double[r][];
        for (int i = 0; i < r; i++) {
            cols[i] = x[i].clone();   // column i of X^T
        }
        double[][] rr = new double[r][r];
        for (int j = 0; j < r; j++) {
            for (int pass = 0; pass < 2; pass++) {   // re-orthogonalise for accuracy
                for (int i = 0; i < j; i++) {
                    double dot = 0;
                    for (int t = 0; t < d; t++) {
                        dot += cols[i][t] * cols[j][t];
                    }
                    rr[i][j] += dot;
                    for (int t = 0; t < d; t++) {
                        cols[j][t] -= dot * cols[i][t];
                    }
                }
            }
            double norm = 0;
            for (int t = 0; t < d; t++) {
                norm += cols[j][t] * cols[j][t];
            }
            norm = Math.sqrt(norm);
            rr[j][j] = norm;
            if (norm > 0) {
                for (int t = 0; t < d; t++) {
                    cols[j][t] /= norm;
                }
            }
        }
        return rr;
    }
}
