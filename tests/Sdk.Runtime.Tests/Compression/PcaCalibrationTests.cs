using System;
using System.Linq;
using Sdk.Runtime.Compression;

namespace Sdk.Runtime.Tests.Compression;

/// <summary>
/// PCA calibration of a bottleneck on activations of known rank: identity layers on two chips, so the tensor that
/// crosses is the input, and the network's output is what the receiving chip reconstructs.
/// </summary>
public sealed class PcaCalibrationTests
{
    [Theory]
    [InlineData(new[] { 6, 4, 4 }, 2)]   // a 1x1-convolution bottleneck: every position of every sample is an observation in R^6
    [InlineData(new[] { 12 }, 3)]        // a dense bottleneck: every sample is an observation in R^12
    public void RatioCOverK_OnRankKActivations_ReconstructsExactly(int[] shape, int rank)
    {
        var channels = shape[0];
        var unsplit = Identities(shape);
        var inputs = RankK(shape, rank, samples: 300, seed: 1);
        using var chips = ChipSet.Cpu(2);
        using var model = Model.Create(unsplit, new ParameterSet(unsplit), chips);
        var components = PrincipalComponents.Of(PcaCalibration.Measure(model, "Send", inputs, 300, batch: 64));

        var variant = unsplit.WithBottleneck("Receive", channels / rank);
        var parameters = new ParameterSet(variant, seed: 9);
        var kept = PcaCalibration.Apply(parameters, variant.Cuts.Single(), components);
        using var narrow = Model.Create(variant, parameters, chips);
        var output = narrow.Run(inputs, 300);

        Assert.Equal(rank, variant.Layers.Single(l => l.Kind == LayerKind.BottleneckEncoder).OutputShape[0]);
        Assert.Equal(1, kept, 1e-9);
        Assert.All(components.Variances.Skip(rank), v => Assert.True(Math.Abs(v) < 1e-9 * components.Variances[0], $"variance {v} beyond rank {rank}"));
        Assert.True(MaxError(inputs, output) < 2e-5, $"reconstruction error {MaxError(inputs, output)}");
        Assert.True(narrow.Ledger.MatchesPlan);
    }

    [Fact]
    public void NarrowerThanTheRank_KeepsTheLargestVariance_AndLosesTheRest()
    {
        int[] shape = [6, 4, 4];
        var unsplit = Identities(shape);
        var inputs = RankK(shape, 2, samples: 200, seed: 2);
        using var chips = ChipSet.Cpu(2);
        using var model = Model.Create(unsplit, new ParameterSet(unsplit), chips);
        var covariance = PcaCalibration.Measure(model, "Send", inputs, 200);
        var components = PrincipalComponents.Of(covariance);

        var variant = unsplit.WithBottleneck("Receive", 6);
        var parameters = new ParameterSet(variant);
        var kept = PcaCalibration.Apply(parameters, variant.Cuts.Single(), components);
        using var narrow = Model.Create(variant, parameters, chips);
        var output = narrow.Run(inputs, 200);

        var total = components.Variances.Sum();
        Assert.Equal(components.Variances[0] / total, kept, 1e-9);
        Assert.InRange(kept, 0.5, 0.999);
        // The squared error per observation is the variance of the dropped direction (float32 round-off aside).
        double squared = 0;
        for (var i = 0; i < inputs.Length; i++)
        {
            squared += (inputs[i] - output[i]) * (double)(inputs[i] - output[i]);
        }

        Assert.Equal(components.Variances[1], squared / covariance.Count, components.Variances[1] * 1e-3);
    }

    [Fact]
    public void Covariance_OfPositionsAndSamples_IsThePopulationCovariance()
    {
        var covariance = new ChannelCovariance(EquatableArray.Of(2, 1, 2));
        covariance.Add([1, 3, 10, 30, 5, 7, 50, 70], 2); // observations (1,10), (3,30), (5,50), (7,70)

        Assert.Equal(4, covariance.Count);
        Assert.Equal([4, 40], covariance.Mean());
        Assert.Equal([5, 50, 50, 500], covariance.Covariance()); // var of 1,3,5,7 is 5
        Assert.Throws<ArgumentException>(() => covariance.Add([1, 2, 3], 1));
        Assert.Throws<InvalidOperationException>(() => new ChannelCovariance(EquatableArray.Of(3)).Mean());
    }

    [Fact]
    public void Apply_RefusesACutWithoutBottleneck_AndComponentsOfAnotherWidth()
    {
        var unsplit = Identities([6, 4, 4]);
        var components = PrincipalComponents.Of(Covariance(4));
        var variant = unsplit.WithBottleneck("Receive", 2);

        Assert.Contains("not a bottlenecked cut", Assert.Throws<ArgumentException>(() => PcaCalibration.Apply(new ParameterSet(unsplit), unsplit.Cuts[0], components)).Message);
        Assert.Contains("6 channels", Assert.Throws<ArgumentException>(() => PcaCalibration.Apply(new ParameterSet(variant), variant.Cuts[0], components)).Message);
    }

    /// <summary>Two identity layers (Dropout 0 in inference), the second on chip 1: the cut carries the input.</summary>
    private static NetworkPlan Identities(int[] shape)
    {
        var identity = new LayerArguments { Rate = 0 };
        return NetworkPlan.Compile(new NetworkSpec(
            "Identities",
            shape,
            PlacementMode.Manual,
            EquatableArray<ChipSpec>.Empty,
            EquatableArray<LinkSpec>.Empty,
            EquatableArray.Of(
                new LayerSpec("Send", LayerKind.Dropout, identity, LayerSpec.ReadsPrevious),
                new LayerSpec("Receive", LayerKind.Dropout, identity, LayerSpec.ReadsPrevious, OnChip: 1))));
    }

    /// <summary>Samples whose observations (positions) are mean + A·z with A random C x k and z random: rank k around a mean.</summary>
    private static float[] RankK(int[] shape, int rank, int samples, int seed)
    {
        var random = new Random(seed);
        var channels = shape[0];
        var positions = shape.Length == 3 ? shape[1] * shape[2] : 1;
        var basis = Enumerable.Range(0, channels * rank).Select(_ => (2 * random.NextDouble()) - 1).ToArray();
        var mean = Enumerable.Range(0, channels).Select(c => 3.0 + c).ToArray();
        var values = new float[samples * channels * positions];
        for (var n = 0; n < samples; n++)
        {
            for (var p = 0; p < positions; p++)
            {
                var z = Enumerable.Range(0, rank).Select(j => ((2 * random.NextDouble()) - 1) * (rank - j)).ToArray();
                for (var c = 0; c < channels; c++)
                {
                    var x = mean[c];
                    for (var j = 0; j < rank; j++)
                    {
                        x += basis[(c * rank) + j] * z[j];
                    }

                    values[(((n * channels) + c) * positions) + p] = (float)x;
                }
            }
        }

        return values;
    }

    private static ChannelCovariance Covariance(int channels)
    {
        var covariance = new ChannelCovariance(EquatableArray.Of(channels));
        covariance.Add(RankK([channels], channels, samples: 10, seed: 3), 10);
        return covariance;
    }

    private static double MaxError(float[] expected, float[] actual) => expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
}
