namespace Sdk.Compiler;

/// <summary>
/// A 64-bit hash (FNV-1a) of every integer figure of a plan: each layer's kind, chip, inputs, shape, parameter
/// shapes and counts, each cut's ends, format, shape and bytes, each chip's totals. The generator writes the
/// build's fingerprint into the generated code; the runtime compiles the same spec and compares, so a plan that
/// differs from what the build reported (a runtime and generator of different versions) is an error, never a
/// silent difference. Integers only: the text of a double can differ between .NET versions.
/// </summary>
public static class PlanFingerprint
{
    public static ulong Of(NetworkPlan plan)
    {
        var hash = new Fnv();
        hash.Add(plan.Name);
        hash.Add(plan.InputShape);
        foreach (var layer in plan.Layers)
        {
            hash.Add(layer.Name);
            hash.Add((long)layer.Kind);
            hash.Add(layer.Chip);
            hash.Add(layer.Inputs);
            hash.Add(layer.OutputShape);
            foreach (var p in layer.Parameters)
            {
                hash.Add(p.Name);
                hash.Add(p.Shape);
                hash.Add(p.Trainable ? 1 : 0);
            }

            hash.Add(layer.Macs);
            hash.Add(layer.Flops);
            hash.Add(layer.BackwardFlops);
            hash.Add(layer.FoldedInto);
        }

        foreach (var cut in plan.Cuts)
        {
            hash.Add(cut.SourceLayer);
            hash.Add(cut.FromChip);
            hash.Add(cut.ToChip);
            hash.Add((long)cut.Format);
            if (cut.Format == WireFormat.Truncated)
            {
                hash.Add(cut.Encoding.Bits); // only here, so the fingerprints of plans without truncation stay as they were
            }
            hash.Add(cut.BottleneckRatio);
            hash.Add(cut.Shape);
            hash.Add(cut.ForwardBytesPerSample);
            hash.Add(cut.BackwardBytesPerSample);
        }

        foreach (var chip in plan.Chips)
        {
            hash.Add(chip.Flops);
            hash.Add(chip.Parameters);
            hash.Add(chip.ParameterBytes);
            hash.Add(chip.PeakActivationBytes);
        }

        return hash.Value;
    }

    private struct Fnv
    {
        private ulong _hash;
        private bool _started;

        public ulong Value => _started ? _hash : 14695981039346656037UL;

        public void Add(long value)
        {
            if (!_started)
            {
                _hash = 14695981039346656037UL;
                _started = true;
            }

            for (var i = 0; i < 8; i++)
            {
                _hash = (_hash ^ (byte)(value >> (8 * i))) * 1099511628211UL;
            }
        }

        public void Add(string text)
        {
            Add(text.Length);
            foreach (var c in text)
            {
                Add(c);
            }
        }

        public void Add(EquatableArray<int> values)
        {
            Add(values.Count);
            foreach (var v in values)
            {
                Add(v);
            }
        }
    }
}
