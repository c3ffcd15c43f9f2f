using System;
using Sdk.Runtime.Compression;

namespace Sdk.Runtime.Tests.Compression;

/// <summary>The Jacobi eigensolver against matrices whose eigen-decomposition is known by hand, and on random ones A·V = V·Λ, VᵀV = I.</summary>
public sealed class SymmetricEigenTests
{
    private const double Tight = 1e-12;

    [Fact]
    public void TwoByTwo_HasEigenvalues3And1_AlongTheDiagonals()
    {
        var eigen = SymmetricEigen.Decompose([2, 1, 1, 2], 2);

        Assert.Equal(3, eigen.Values[0], Tight);
        Assert.Equal(1, eigen.Values[1], Tight);
        var h = Math.Sqrt(0.5);
        Assert.Equal(h, eigen.Vector(0, 0), Tight);   // (1, 1)/√2, its largest component positive
        Assert.Equal(h, eigen.Vector(1, 0), Tight);
        Assert.Equal(h, eigen.Vector(0, 1), Tight);   // (1, -1)/√2: the first of two equal magnitudes is made positive
        Assert.Equal(-h, eigen.Vector(1, 1), Tight);
    }

    [Fact]
    public void SecondDifferenceMatrix_HasEigenvalues2MinusRoot2_2_2PlusRoot2()
    {
        // [[2, -1, 0], [-1, 2, -1], [0, -1, 2]]: λ = 2 - 2cos(kπ/4), v_k = (sin(kπ/4), sin(2kπ/4), sin(3kπ/4)).
        var eigen = SymmetricEigen.Decompose([2, -1, 0, -1, 2, -1, 0, -1, 2], 3);

        Assert.Equal(2 + Math.Sqrt(2), eigen.Values[0], Tight);
        Assert.Equal(2, eigen.Values[1], Tight);
        Assert.Equal(2 - Math.Sqrt(2), eigen.Values[2], Tight);
        AssertVector(eigen, 0, [-0.5, Math.Sqrt(0.5), -0.5]); // its largest component, the middle one, made positive
        AssertVector(eigen, 1, [Math.Sqrt(0.5), 0, -Math.Sqrt(0.5)]);
        AssertVector(eigen, 2, [0.5, Math.Sqrt(0.5), 0.5]);
    }

    [Fact]
    public void DiagonalMatrix_IsSortedLargestFirst_WithUnitVectors()
    {
        var eigen = SymmetricEigen.Decompose([1, 0, 0, 0, -4, 0, 0, 0, 7], 3);

        Assert.Equal([7, 1, -4], eigen.Values);
        AssertVector(eigen, 0, [0, 0, 1]);
        AssertVector(eigen, 1, [1, 0, 0]);
        AssertVector(eigen, 2, [0, 1, 0]);
    }

    [Fact]
    public void ZeroAndOneByOne_AreTheirOwnDecomposition()
    {
        Assert.Equal([0, 0], SymmetricEigen.Decompose(new double[4], 2).Values);
        var one = SymmetricEigen.Decompose([-2.5], 1);
        Assert.Equal(-2.5, one.Values[0]);
        Assert.Equal(1, one.Vector(0, 0));
    }

    [Theory]
    [InlineData(5, 1)]
    [InlineData(40, 2)]
    [InlineData(64, 3)]
    public void RandomSymmetric_SatisfiesAVEqualsVLambda_WithOrthonormalV(int n, int seed)
    {
        var random = new Random(seed);
        var a = new double[n * n];
        for (var i = 0; i < n; i++)
        {
            for (var j = i; j < n; j++)
            {
                a[(i * n) + j] = a[(j * n) + i] = (2 * random.NextDouble()) - 1;
            }
        }

        var eigen = SymmetricEigen.Decompose(a, n);

        for (var j = 0; j < n; j++)
        {
            Assert.True(j == 0 || eigen.Values[j] <= eigen.Values[j - 1]);
            for (var i = 0; i < n; i++)
            {
                double av = 0;
                for (var k = 0; k < n; k++)
                {
                    av += a[(i * n) + k] * eigen.Vector(k, j);
                }

                Assert.Equal(eigen.Values[j] * eigen.Vector(i, j), av, 1e-10);
            }

            for (var other = 0; other < n; other++)
            {
                double dot = 0;
                for (var i = 0; i < n; i++)
                {
                    dot += eigen.Vector(i, j) * eigen.Vector(i, other);
                }

                Assert.Equal(j == other ? 1 : 0, dot, 1e-10);
            }
        }
    }

    [Fact]
    public void BadMatrices_AreRefused_WithWhatIsWrong()
    {
        Assert.Contains("not symmetric", Assert.Throws<ArgumentException>(() => SymmetricEigen.Decompose([1, 2, 3, 4], 2)).Message);
        Assert.Contains("finite", Assert.Throws<ArgumentException>(() => SymmetricEigen.Decompose([1, double.NaN, double.NaN, 1], 2)).Message);
        Assert.Contains("2 x 2", Assert.Throws<ArgumentException>(() => SymmetricEigen.Decompose([1, 2, 3], 2)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => SymmetricEigen.Decompose([], 0));
    }

    private static void AssertVector(SymmetricEigen eigen, int j, double[] expected)
    {
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], eigen.Vector(i, j), Tight);
        }
    }
}
