package org.transformer4j.inspect;

import java.util.Arrays;

/** Small dense linear algebra in double for the inspection statistics (matrices of a few hundred rows at most). */
final class LinearAlgebra {
    private LinearAlgebra() {
    }

    /**
     * The singular values of a square matrix, largest first: one-sided Jacobi rotations (Hestenes) on a
     * copy until all column pairs are orthogonal to 1e-15 relative, then the column norms.
     */
    static double[] singularValues(double[][] m) {
        int n = m.length;
        double[][] cols = new double[n][n];   // cols[j] = column j
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                cols[j][i] = m[i][j];
            }
        }
        for (int sweep = 0; sweep < 60; sweep++) {
            boolean rotated = false;
            for (int p = 0; p < n - 1; p++) {
                for (int q = p + 1; q < n; q++) {
                    double alpha = 0;
                    double beta = 0;
                    double gamma = 0;
                    for (int i = 0; i < n; i++) {
                        alpha += cols[p][i] * cols[p][i];
                        beta += cols[q][i] * cols[q][i];
                        gamma += cols[p][i] * cols[q][i];
                    }
                    if (Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta) || gamma == 0) {
                        continue;
                    }
                    rotated = true;
                    double zeta = (beta - alpha) / (2 * gamma);
                    double t = Math.signum(zeta) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
                    if (zeta == 0) {
                        t = 1;
                    }
                    double c = 1 / Math.sqrt(1 + t * t);
                    double s = c * t;
                    for (int i = 0; i < n; i++) {
                        double x = cols[p][i];
                        double y = cols[q][i];
                        cols[p][i] = c * x - s * y;
                        cols[q][i] = s * x + c * y;
                    }
                }
            }
            if (!rotated) {
                break;
            }
        }
        double[] sv = new double[n];
        for (int j = 0; j < n; j++) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += cols[j][i] * cols[j][i];
            }
            sv[j] = Math.sqrt(s);
        }
        Arrays.sort(sv);
        for (int i = 0; i < n / 2; i++) {
            double tmp = sv[i];
            sv[i] = sv[n - 1 - i];
            sv[n - 1 - i] = tmp;
        }
        return sv;
    }
}
