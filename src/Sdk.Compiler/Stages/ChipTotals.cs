using System;
using System.Collections.Generic;
using System.Linq;

namespace Sdk.Compiler;

/// <summary>Per chip: its layers' FLOPs, parameters and bytes, and the peak of its live activations for one sample.</summary>
internal static class ChipTotals
{
    public static List<ChipInfo> Count(NetworkSpec spec, IReadOnlyList<LayerInfo> layers, int chipCount)
    {
        var peaks = PeakActivationBytes(layers, spec.InputShape, chipCount);
        var chips = new List<ChipInfo>();
        for (var id = 0; id < chipCount; id++)
        {
            var declared = spec.Chips.FirstOrDefault(c => c.Id == id);
            var onChip = layers.Where(l => l.Chip == id).ToList();
            chips.Add(new ChipInfo
            {
                Id = id,
                Name = declared?.DisplayName ?? "chip" + id,
                Gflops = declared?.Gflops ?? 0,
                MemoryBytes = (declared?.MemoryKiB ?? 0) * 1024,
                LayerCount = onChip.Count,
                Flops = Sum(onChip, l => l.Flops),
                BackwardFlops = Sum(onChip, l => l.BackwardFlops),
                Parameters = Sum(onChip, l => l.ParameterCount),
                ParameterBytes = Shapes.SaturatingMultiply(4, Sum(onChip, l => l.StoredElements)),
                PeakActivationBytes = peaks[id],
            });
        }

        return chips;
    }

    private static long Sum(IEnumerable<LayerInfo> layers, Func<LayerInfo, long> value) =>
        layers.Aggregate(0L, (total, layer) => Shapes.SaturatingAdd(total, value(layer)));

    /// <summary>
    /// A liveness pass over the plan in execution order: a tensor lives on a chip from the step that produces
    /// (or receives) it until the last step on that chip that reads it; a tensor nobody reads (the network
    /// output) lives to the end. Float32, one sample.
    /// </summary>
    public static long[] PeakActivationBytes(IReadOnlyList<LayerInfo> layers, EquatableArray<int> inputShape, int chipCount)
    {
        var steps = layers.Count;
        var lastRead = new Dictionary<(int Tensor, int Chip), int>();
        foreach (var reader in layers)
        {
            foreach (var input in reader.Inputs)
            {
                lastRead[(input, reader.Chip)] = reader.Index;
            }
        }

        // Added at birth, removed after death: a sweep over the steps.
        var delta = new long[chipCount, steps + 1];
        void Live(int chip, int born, int dies, long bytes)
        {
            delta[chip, born] += bytes;
            delta[chip, dies + 1] -= bytes;
        }

        for (var tensor = -1; tensor < steps; tensor++)
        {
            var bytes = Shapes.SaturatingMultiply(4, Shapes.Elements(tensor < 0 ? inputShape : layers[tensor].OutputShape));
            var born = Math.Max(tensor, 0);
            var home = tensor < 0 ? -1 : layers[tensor].Chip;
            var readOnHome = false;
            var readAnywhere = false;
            for (var chip = 0; chip < chipCount; chip++)
            {
                if (lastRead.TryGetValue((tensor, chip), out var last))
                {
                    Live(chip, born, last, bytes);
                    readOnHome |= chip == home;
                    readAnywhere = true;
                }
            }

            if (home >= 0 && !readOnHome)
            {
                // Produced and not read at home: sent away right after (dies at once), or the network output.
                Live(home, born, readAnywhere ? born : steps - 1, bytes);
            }
        }

        var peak = new long[chipCount];
        for (var chip = 0; chip < chipCount; chip++)
        {
            long live = 0;
            for (var step = 0; step < steps; step++)
            {
                live += delta[chip, step]; // each tensor is at most 8.6 GB: no sum of them overflows
                peak[chip] = Math.Max(peak[chip], live);
            }
        }

        return peak;
    }
}
