using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using FashionMnistSample;
using Sdk.Compiler;

namespace CompressionStudy;

/// <summary>
/// A network of the study, as declared (split over two chips at its early cut), and its variants: the cut moved
/// and narrowed by plan edits (<see cref="NetworkPlan.WithChip"/>, <see cref="NetworkPlan.WithBottleneck"/>), no
/// class per variant.
/// </summary>
/// <param name="declaredReader">The layer the declared class puts <c>[OnChip(1)]</c> (and any bottleneck) on.</param>
/// <param name="readers">Per cut name (<c>early</c>, <c>late</c>): the first layer on chip 1.</param>
public sealed class StudyNetwork(string name, NetworkPlan plan, string declaredReader, IReadOnlyDictionary<string, string> readers)
{
    private readonly ConcurrentDictionary<(string, int), NetworkPlan> _variants = new();

    public string Name { get; } = name;

    public NetworkPlan Plan { get; } = plan;

    public string DeclaredReader { get; } = declaredReader;

    public IReadOnlyDictionary<string, string> Readers { get; } = readers;

    public static IReadOnlyList<StudyNetwork> All { get; } =
    [
        new("FashionCnn", FashionCnn.Plan, "Conv2", new Dictionary<string, string> { ["early"] = "Conv2", ["late"] = "Fc1" }),
        new("StudyResNet", StudyResNet.Plan, "S2B1Conv1", new Dictionary<string, string> { ["early"] = "S2B1Conv1", ["late"] = "S3B1Conv1" }),
    ];

    public static StudyNetwork Named(string name) =>
        All.FirstOrDefault(n => n.Name == name) ?? throw new ArgumentException($"The study has no network '{name}'.", nameof(name));

    /// <summary>The plan split at <paramref name="cut"/> through a 1/<paramref name="ratio"/> bottleneck (none for 1).</summary>
    public NetworkPlan Variant(string cut, int ratio) => _variants.GetOrAdd((cut, ratio), key =>
    {
        var reader = Readers[key.Item1];
        var plan = Plan;
        if (reader != DeclaredReader)
        {
            // The new cut first: removing the declared one first would put every layer on chip 0.
            plan = plan.WithChip(reader, 1).WithChip(DeclaredReader, null).WithBottleneck(DeclaredReader, null);
        }

        return plan.WithBottleneck(reader, key.Item2 > 1 ? key.Item2 : null);
    });

    /// <summary>The channels of the tensor that crosses <paramref name="cut"/> before narrowing.</summary>
    public int Channels(string cut) => Variant(cut, 1).Cuts.Single().Shape[0];

    /// <summary>The channels that cross at <paramref name="ratio"/>: ceil(C / r).</summary>
    public int Width(string cut, int ratio) => (Channels(cut) + ratio - 1) / ratio;
}
