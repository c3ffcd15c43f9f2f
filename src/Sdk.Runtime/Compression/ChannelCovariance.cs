using System;

namespace Sdk.Runtime.Compression;

/// <summary>
/// The mean and covariance of a tensor's channels over many observations. A bottleneck's encoder is a 1x1
/// convolution, so for a tensor <c>[C, H, W]</c> every spatial position of every sample is one observation in
/// R^C; for a vector <c>[N]</c> (a dense bottleneck) every sample is one observation in R^N. Accumulated in double,
/// shifted by the first observation (so a large mean does not cancel the variance).
/// </summary>
public sealed class ChannelCovariance
{
    private readonly double[] _shift;
    private readonly double[] _sum;
    private readonly double[] _products; // upper triangle of Σ (x - shift)(x - shift)ᵀ, row-major C x C
    private readonly double[] _observation;

    /// <param name="shape">One sample's shape: <c>[C, H, W]</c> or <c>[N]</c>.</param>
    public ChannelCovariance(EquatableArray<int> shape)
    {
        if (shape.Count is not (1 or 3) || Shapes.Elements(shape) is <= 0 or > int.MaxValue)
        {
            throw new ArgumentException($"A tensor's shape is [C, H, W] or [N] with positive sizes, not {Shapes.Format(shape)}.", nameof(shape));
        }

        Shape = shape;
        Channels = shape[0];
        Positions = shape.Count == 3 ? shape[1] * shape[2] : 1;
        _shift = new double[Channels];
        _sum = new double[Channels];
        _products = new double[Channels * Channels];
        _observation = new double[Channels];
    }

    public EquatableArray<int> Shape { get; }

    /// <summary>C: the dimension of one observation.</summary>
    public int Channels { get; }

    /// <summary>Observations per sample: H x W, or 1 for a vector.</summary>
    public int Positions { get; }

    /// <summary>Observations so far (samples x positions).</summary>
    public long Count { get; private set; }

    /// <summary>Adds <paramref name="samples"/> samples of the tensor, each <c>C x positions</c> floats, channel-major (NCHW).</summary>
    public void Add(ReadOnlySpan<float> values, int samples)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(samples);
        var size = Channels * Positions;
        if (values.Length != (long)samples * size)
        {
            throw new ArgumentException($"{samples} samples of shape {Shapes.Format(Shape)} are {(long)samples * size} values, but {values.Length} were given.", nameof(values));
        }

        for (var n = 0; n < samples; n++)
        {
            var sample = values.Slice(n * size, size);
            for (var p = 0; p < Positions; p++)
            {
                if (Count == 0)
                {
                    for (var c = 0; c < Channels; c++)
                    {
                        _shift[c] = sample[(c * Positions) + p];
                    }
                }

                AddObservation(sample, p);
            }
        }
    }

    /// <summary>The mean of every channel.</summary>
    public double[] Mean()
    {
        RequireObservations();
        var mean = new double[Channels];
        for (var c = 0; c < Channels; c++)
        {
            mean[c] = _shift[c] + (_sum[c] / Count);
        }

        return mean;
    }

    /// <summary>The covariance (divided by the count of observations), C x C row-major.</summary>
    public double[] Covariance()
    {
        RequireObservations();
        var covariance = new double[Channels * Channels];
        for (var i = 0; i < Channels; i++)
        {
            for (var j = i; j < Channels; j++)
            {
                var value = (_products[(i * Channels) + j] - (_sum[i] * _sum[j] / Count)) / Count;
                covariance[(i * Channels) + j] = covariance[(j * Channels) + i] = value;
            }
        }

        return covariance;
    }

    private void AddObservation(ReadOnlySpan<float> sample, int position)
    {
        var x = _observation;
        for (var c = 0; c < Channels; c++)
        {
            x[c] = sample[(c * Positions) + position] - _shift[c];
            _sum[c] += x[c];
        }

        for (var i = 0; i < Channels; i++)
        {
            var xi = x[i];
            if (xi == 0)
            {
                continue; // ReLU outputs are often zero: nothing to add to the row
            }

            var row = _products.AsSpan(i * Channels, Channels);
            for (var j = i; j < Channels; j++)
            {
                row[j] += xi * x[j];
            }
        }

        Count++;
    }

    private void RequireObservations()
    {
        if (Count == 0)
        {
            throw new InvalidOperationException($"No observations of the tensor {Shapes.Format(Shape)} were added.");
        }
    }
}
