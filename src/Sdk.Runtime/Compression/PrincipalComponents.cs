using System;

namespace Sdk.Runtime.Compression;

/// <summary>
/// The principal directions of a tensor's channels: the eigenvectors of their covariance, largest variance
/// first, and the mean they are centred on.
/// </summary>
public sealed class PrincipalComponents
{
    private PrincipalComponents(double[] mean, SymmetricEigen eigen)
    {
        Mean = mean;
        Eigen = eigen;
    }

    public int Channels => Mean.Length;

    public double[] Mean { get; }

    /// <summary>The variance along each direction (the eigenvalues, largest first; tiny negative round-off included).</summary>
    public double[] Variances => Eigen.Values;

    /// <summary>The directions: <c>Eigen.Vector(c, j)</c> is channel c of direction j.</summary>
    public SymmetricEigen Eigen { get; }

    public static PrincipalComponents Of(ChannelCovariance covariance)
    {
        ArgumentNullException.ThrowIfNull(covariance);
        return new PrincipalComponents(covariance.Mean(), SymmetricEigen.Decompose(covariance.Covariance(), covariance.Channels));
    }

    /// <summary>The share of the total variance the first <paramref name="width"/> directions hold (1 when there is no variance).</summary>
    public double ExplainedVariance(int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(width);
        double kept = 0, total = 0;
        for (var j = 0; j < Channels; j++)
        {
            var variance = Math.Max(0, Variances[j]);
            total += variance;
            kept += j < width ? variance : 0;
        }

        return total > 0 ? Math.Min(1, kept / total) : 1;
    }
}
