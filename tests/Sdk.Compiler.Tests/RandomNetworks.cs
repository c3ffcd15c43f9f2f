using System;
using System.Collections.Generic;
using System.Linq;

namespace Sdk.Compiler.Tests;

/// <summary>Seeded random networks for property tests: image layers with skip edges, then a dense head; annotations and chips at random.</summary>
internal static class RandomNetworks
{
    /// <param name="readsInput">Let image layers also concatenate the network input (by name), so it may cross to later chips.</param>
    public static NetworkSpec Create(Random random, int chips, bool readsInput = false)
    {
        var layers = new List<LayerSpec>();
        var shapes = new List<int[]>();
        var shape = new[] { random.Next(1, 6), random.Next(4, 9), random.Next(4, 9) };
        var input = shape;

        void Add(LayerKind kind, LayerArguments arguments, int[] output, params string[] inputs)
        {
            layers.Add(new LayerSpec(
                $"L{layers.Count}",
                kind,
                arguments,
                inputs.Length == 0 ? LayerSpec.ReadsPrevious : EquatableArray.Of(inputs),
                BottleneckRatio: random.Next(5) == 0 ? random.Next(2, 4) : null,
                Transfer: random.Next(4) == 0 ? (WireFormat)random.Next(4) : null));
            shapes.Add(output);
            shape = output;
        }

        var imageLayers = random.Next(3, 8);
        for (var i = 0; i < imageLayers; i++)
        {
            switch (random.Next(readsInput ? 7 : 6))
            {
                case 6 when shape[1] == input[1] && shape[2] == input[2]:
                    Add(LayerKind.Concat, LayerArguments.None, new[] { shape[0] + input[0], shape[1], shape[2] }, LayerSpec.Previous, LayerSpec.NetworkInput);
                    layers[^1] = layers[^1] with { BottleneckRatio = null }; // the input crosses as it is (a bottleneck there is an error)
                    break;
                case 0:
                case 1:
                    var filters = random.Next(1, 7);
                    Add(LayerKind.Conv2D, new LayerArguments { Size = filters, Kernel = 3, Padding = 1, Bias = random.Next(2) == 0, Activation = (Activation)random.Next(3) }, new[] { filters, shape[1], shape[2] });
                    break;
                case 2 when shape[1] >= 4 && shape[2] >= 4:
                    Add(LayerKind.MaxPool, new LayerArguments { Size = 2, Kernel = 2, Stride = 2 }, new[] { shape[0], shape[1] / 2, shape[2] / 2 });
                    break;
                case 3:
                    Add(LayerKind.BatchNorm, new LayerArguments { Epsilon = 1e-5, Momentum = 0.1 }, shape);
                    break;
                case 4 when shapes.Count > 1 && Same(shapes, shape) is { } earlier:
                    Add(LayerKind.Add, new LayerArguments { Activation = Activation.Relu }, shape, LayerSpec.Previous, earlier);
                    break;
                case 5 when shapes.Count > 1 && Matching(shapes, shape) is { } other:
                    Add(LayerKind.Concat, LayerArguments.None, new[] { shape[0] + shapes[int.Parse(other.Substring(1))][0], shape[1], shape[2] }, LayerSpec.Previous, other);
                    break;
                default:
                    Add(LayerKind.Activation, new LayerArguments { Activation = Activation.Tanh }, shape);
                    break;
            }
        }

        var hidden = random.Next(2, 9);
        Add(LayerKind.Dense, new LayerArguments { Size = hidden, Bias = true, Activation = Activation.Relu }, new[] { hidden });
        var classes = random.Next(2, 6);
        Add(LayerKind.Dense, new LayerArguments { Size = classes, Bias = true }, new[] { classes });

        var chipSpecs = Enumerable.Range(0, chips)
            .Select(c => new ChipSpec(c, null, random.Next(1, 100) / 10.0, random.Next(3) == 0 ? random.Next(1, 64) : 0))
            .ToEquatableArray();
        var links = new List<LinkSpec>();
        var linkAll = random.Next(3) > 0;
        for (var a = 0; a < chips; a++)
        {
            for (var b = a + 1; b < chips; b++)
            {
                if (linkAll || b == a + 1 || random.Next(2) == 0)
                {
                    links.Add(new LinkSpec(a, b, random.Next(1, 50) / 100.0, random.Next(0, 20)));
                }
            }
        }

        return new NetworkSpec("Random", EquatableArray.Of(input), PlacementMode.Manual, chipSpecs, links.ToEquatableArray(), layers.ToEquatableArray());

        string? Same(List<int[]> all, int[] s) =>
            Enumerable.Range(0, all.Count - 1).Where(i => all[i].SequenceEqual(s)).Select(i => $"L{i}").LastOrDefault();

        string? Matching(List<int[]> all, int[] s) =>
            Enumerable.Range(0, all.Count - 1).Where(i => all[i].Length == 3 && all[i][1] == s[1] && all[i][2] == s[2]).Select(i => $"L{i}").LastOrDefault();
    }

    /// <summary>The spec with each layer on the chip <paramref name="chipOfLayer"/> gives.</summary>
    public static NetworkSpec Placed(NetworkSpec spec, int[] chipOfLayer) =>
        spec with { Layers = spec.Layers.Select((l, i) => l with { OnChip = chipOfLayer[i] }).ToEquatableArray() };

    /// <summary>Contiguous runs over the chips in id order, some possibly empty.</summary>
    public static int[] Split(Random random, int layers, int chips)
    {
        var cuts = Enumerable.Range(0, chips - 1).Select(_ => random.Next(0, layers + 1)).Order().ToArray();
        var chipOf = new int[layers];
        for (var i = 0; i < layers; i++)
        {
            chipOf[i] = cuts.Count(c => c <= i);
        }

        return chipOf;
    }
}
