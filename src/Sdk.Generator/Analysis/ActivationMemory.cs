using System.Collections.Generic;
using Sdk.Generator.Model;

namespace Sdk.Generator.Analysis;

/// <summary>
/// Peak activation memory per chip for one sample: a liveness pass over the plan in execution order. A tensor
/// lives on a chip from the step that produces (or sends) it until the last step on that chip that reads it;
/// a tensor nobody reads (the network output) lives to the end.
/// </summary>
internal static class ActivationMemory
{
    public static long[] PeakBytes(IReadOnlyList<PlannedLayer> layers, IReadOnlyList<int> inputShape, int chipCount)
    {
        var steps = layers.Count;

        // Per chip, the intervals [born, dies] and sizes of the tensors resident there. Tensor -1 is the input.
        var intervals = new List<(int Chip, int Born, int Dies, long Bytes)>();
        for (var tensor = -1; tensor < steps; tensor++)
        {
            var bytes = 4 * Shapes.Elements(tensor < 0 ? inputShape : (IReadOnlyList<int>)layers[tensor].OutputShape);
            var born = tensor < 0 ? 0 : tensor;
            var homeChip = tensor < 0 ? -1 : layers[tensor].Chip;
            var lastReadOnChip = new Dictionary<int, int>();
            foreach (var reader in layers)
            {
                foreach (var input in reader.Inputs)
                {
                    if (input == tensor)
                    {
                        lastReadOnChip[reader.Chip] = reader.Index;
                    }
                }
            }

            if (homeChip >= 0 && !lastReadOnChip.ContainsKey(homeChip))
            {
                // Produced and not read at home: sent away right after (dies at once) or the network output.
                lastReadOnChip[homeChip] = lastReadOnChip.Count == 0 ? steps - 1 : born;
            }

            foreach (var entry in lastReadOnChip)
            {
                intervals.Add((entry.Key, born, entry.Value, bytes));
            }
        }

        var peak = new long[chipCount];
        for (var step = 0; step < steps; step++)
        {
            var live = new long[chipCount];
            foreach (var (chip, born, dies, bytes) in intervals)
            {
                if (born <= step && step <= dies)
                {
                    live[chip] += bytes;
                }
            }

            for (var chip = 0; chip < chipCount; chip++)
            {
                peak[chip] = System.Math.Max(peak[chip], live[chip]);
            }
        }

        return peak;
    }
}
