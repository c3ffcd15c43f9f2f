using System;

namespace Sdk.Runtime.Compression;

/// <summary>
/// The eigen-decomposition of a real symmetric matrix by the cyclic Jacobi method: plane rotations, each zeroing
/// one off-diagonal element, swept over every pair until the off-diagonal part is negligible (convergence is
/// quadratic; a few sweeps for the channel counts of a network, exact to about 1e-15 relative). Meant for
/// covariance matrices up to a few hundred rows (each sweep costs about 4 n^3 operations).
/// </summary>
public sealed class SymmetricEigen
{
    /// <summary>The most sweeps; Jacobi converges in far fewer (about 10 for n = 500).</summary>
    private const int MaxSweeps = 100;

    private SymmetricEigen(int order, double[] values, double[] vectors)
    {
        Order = order;
        Values = values;
        Vectors = vectors;
    }

    /// <summary>n: the matrix is n x n.</summary>
    public int Order { get; }

    /// <summary>The eigenvalues, largest first.</summary>
    public double[] Values { get; }

    /// <summary>
    /// The unit eigenvectors as the columns of an n x n row-major matrix: element <c>[i * n + j]</c> is component i
    /// of the vector of <c>Values[j]</c>. Each vector's largest component (by magnitude; the first of those
    /// equal to 1e-9 relative) is positive, so the result does not depend on the rotations' signs.
    /// </summary>
    public double[] Vectors { get; }

    /// <summary>Component <paramref name="i"/> of eigenvector <paramref name="j"/>.</summary>
    public double Vector(int i, int j) => Vectors[(i * Order) + j];

    /// <summary>Decomposes the symmetric <paramref name="n"/> x <paramref name="n"/> row-major <paramref name="matrix"/>.</summary>
    /// <exception cref="ArgumentException">The matrix is not n x n, has a non-finite element, or is not symmetric (to 1e-9 relative).</exception>
    public static SymmetricEigen Decompose(ReadOnlySpan<double> matrix, int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        if (matrix.Length != (long)n * n)
        {
            throw new ArgumentException($"A {n} x {n} matrix has {(long)n * n} elements, but {matrix.Length} were given.", nameof(matrix));
        }

        var a = matrix.ToArray();
        double scale = 0;
        for (var i = 0; i < a.Length; i++)
        {
            if (!double.IsFinite(a[i]))
            {
                throw new ArgumentException($"Element [{i / n}, {i % n}] of the matrix is {a[i]}; every element must be finite.", nameof(matrix));
            }

            scale = Math.Max(scale, Math.Abs(a[i]));
        }

        for (var i = 0; i < n; i++)
        {
            for (var j = i + 1; j < n; j++)
            {
                if (Math.Abs(a[(i * n) + j] - a[(j * n) + i]) > 1e-9 * scale)
                {
                    throw new ArgumentException($"The matrix is not symmetric: [{i}, {j}] is {a[(i * n) + j]:R} but [{j}, {i}] is {a[(j * n) + i]:R}.", nameof(matrix));
                }
            }
        }

        var v = new double[n * n];
        for (var i = 0; i < n; i++)
        {
            v[(i * n) + i] = 1;
        }

        for (var sweep = 0; sweep < MaxSweeps && OffDiagonal(a, n) > 1e-30 * Frobenius(a); sweep++)
        {
            for (var p = 0; p < n - 1; p++)
            {
                for (var q = p + 1; q < n; q++)
                {
                    Rotate(a, v, n, p, q);
                }
            }
        }

        return Sorted(a, v, n);
    }

    /// <summary>The rotation in the (p, q) plane that zeroes a[p, q]: A = PᵀAP, V = VP (Rutishauser's form).</summary>
    private static void Rotate(double[] a, double[] v, int n, int p, int q)
    {
        var apq = a[(p * n) + q];
        if (apq == 0)
        {
            return;
        }

        var theta = (a[(q * n) + q] - a[(p * n) + p]) / (2 * apq);
        var t = (theta >= 0 ? 1 : -1) / (Math.Abs(theta) + Math.Sqrt((theta * theta) + 1));
        var c = 1 / Math.Sqrt((t * t) + 1);
        var s = t * c;
        for (var k = 0; k < n; k++)
        {
            var akp = a[(k * n) + p];
            var akq = a[(k * n) + q];
            a[(k * n) + p] = (c * akp) - (s * akq);
            a[(k * n) + q] = (s * akp) + (c * akq);
        }

        for (var k = 0; k < n; k++)
        {
            var apk = a[(p * n) + k];
            var aqk = a[(q * n) + k];
            a[(p * n) + k] = (c * apk) - (s * aqk);
            a[(q * n) + k] = (s * apk) + (c * aqk);
        }

        a[(p * n) + q] = a[(q * n) + p] = 0;
        for (var k = 0; k < n; k++)
        {
            var vkp = v[(k * n) + p];
            var vkq = v[(k * n) + q];
            v[(k * n) + p] = (c * vkp) - (s * vkq);
            v[(k * n) + q] = (s * vkp) + (c * vkq);
        }
    }

    private static double OffDiagonal(double[] a, int n)
    {
        double sum = 0;
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                sum += i == j ? 0 : a[(i * n) + j] * a[(i * n) + j];
            }
        }

        return sum;
    }

    private static double Frobenius(double[] a)
    {
        double sum = 0;
        foreach (var x in a)
        {
            sum += x * x;
        }

        return sum;
    }

    /// <summary>Eigenvalues largest first, their vectors in the same order, each with its largest component positive.</summary>
    private static SymmetricEigen Sorted(double[] a, double[] v, int n)
    {
        var order = new int[n];
        for (var i = 0; i < n; i++)
        {
            order[i] = i;
        }

        Array.Sort(order, (x, y) => a[(y * n) + y].CompareTo(a[(x * n) + x]) is var c && c != 0 ? c : x.CompareTo(y));
        var values = new double[n];
        var vectors = new double[n * n];
        for (var j = 0; j < n; j++)
        {
            var from = order[j];
            values[j] = a[(from * n) + from];
            double max = 0;
            for (var i = 0; i < n; i++)
            {
                max = Math.Max(max, Math.Abs(v[(i * n) + from]));
            }

            var largest = 0;
            while (Math.Abs(v[(largest * n) + from]) < max * (1 - 1e-9))
            {
                largest++;
            }

            var sign = v[(largest * n) + from] < 0 ? -1 : 1;
            for (var i = 0; i < n; i++)
            {
                vectors[(i * n) + j] = sign * v[(i * n) + from];
            }
        }

        return new SymmetricEigen(n, values, vectors);
    }
}
