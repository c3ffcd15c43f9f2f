using System;
using System.Collections.Generic;

namespace Sdk.Runtime;

/// <summary>
/// The parameters (and buffers) of one network instance, one float32 array per tensor of the plan, named like a
/// PyTorch state dict. A new set is initialised like PyTorch's defaults from a seed, so a fresh network computes
/// something deterministic; weights trained elsewhere replace it (<c>parameters.Load(path)</c>, see
/// <see cref="Weights.WeightsIO"/>).
/// </summary>
public sealed class ParameterSet
{
    private readonly Dictionary<string, (ParameterInfo Info, float[] Data)> _tensors = new(StringComparer.Ordinal);
    private readonly List<ParameterInfo> _order = new();

    public ParameterSet(NetworkPlan plan, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(plan);
        Plan = plan;
        foreach (var layer in plan.Layers)
        {
            foreach (var p in layer.Parameters)
            {
                _tensors.Add(p.Name, (p, new float[p.Elements]));
                _order.Add(p);
            }
        }

        Initialize(seed);
    }

    public NetworkPlan Plan { get; }

    /// <summary>Every tensor, in plan order.</summary>
    public IReadOnlyList<ParameterInfo> Tensors => _order;

    public bool Contains(string name) => _tensors.ContainsKey(name);

    /// <summary>Whether this set holds every parameter tensor of <paramref name="plan"/>, each with the plan's shape.</summary>
    public bool Fits(NetworkPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        foreach (var layer in plan.Layers)
        {
            foreach (var p in layer.Parameters)
            {
                if (!_tensors.TryGetValue(p.Name, out var entry) || entry.Info.Shape != p.Shape)
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>
    /// Carries weights into this set from <paramref name="other"/> (say, trained weights into a variant of the same
    /// network): copies every tensor whose name and shape both sets have; the others keep their values (a new
    /// bottleneck's encoder and decoder keep their initialisation). Returns the names copied, in this set's order.
    /// </summary>
    public IReadOnlyList<string> CopyFrom(ParameterSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var copied = new List<string>();
        foreach (var p in _order)
        {
            if (other._tensors.TryGetValue(p.Name, out var source) && source.Info.Shape == p.Shape)
            {
                source.Data.CopyTo(_tensors[p.Name].Data, 0);
                copied.Add(p.Name);
            }
        }

        return copied;
    }

    public ParameterInfo Info(string name) => Entry(name).Info;

    /// <summary>The tensor's values, row-major in its PyTorch layout; writes change the network.</summary>
    public float[] this[string name] => Entry(name).Data;

    /// <summary>
    /// PyTorch's default initialisation: weights and biases of Conv2D, Dense and the bottleneck layers uniform in
    /// +-1/sqrt(fan_in); BatchNorm weight 1, bias 0, running mean 0, running variance 1.
    /// </summary>
    public void Initialize(int seed)
    {
        var random = new Random(seed);
        foreach (var layer in Plan.Layers)
        {
            if (layer.Kind == LayerKind.BatchNorm)
            {
                foreach (var p in layer.Parameters)
                {
                    Array.Fill(this[p.Name], p.Name.EndsWith(".weight", StringComparison.Ordinal) || p.Name.EndsWith(".running_var", StringComparison.Ordinal) ? 1f : 0f);
                }

                continue;
            }

            if (layer.Parameters.Count == 0)
            {
                continue;
            }

            var weightShape = layer.Parameters[0].Shape;
            var fanIn = Shapes.Elements(weightShape) / weightShape[0];
            var bound = (float)(1 / Math.Sqrt(fanIn));
            foreach (var p in layer.Parameters)
            {
                var data = this[p.Name];
                for (var i = 0; i < data.Length; i++)
                {
                    data[i] = ((2 * random.NextSingle()) - 1) * bound;
                }
            }
        }
    }

    private (ParameterInfo Info, float[] Data) Entry(string name) =>
        _tensors.TryGetValue(name, out var entry)
            ? entry
            : throw new KeyNotFoundException($"Network '{Plan.Name}' has no parameter '{name}'.");
}
