using System;
using System.Collections.Generic;
using System.Linq;

namespace Sdk.Runtime.Training;

/// <summary>
/// A trainer's adaptive precision: one <see cref="PrecisionSchedule"/> per adaptive cut (watching
/// <see cref="PrecisionWatch.LayerOf"/>) and, with adaptive exchange weights, one per layer with trainable weights
/// (watching itself). After every update the trainer shows them the new norms; a cut that gains a bit travels in it
/// from the next transfer on.
/// </summary>
public sealed class PrecisionPolicies
{
    private readonly NetworkPlan _plan;
    private readonly Dictionary<int, (int Layer, PrecisionSchedule Schedule)> _cuts = new();
    private readonly PrecisionSchedule?[] _layers;
    private readonly WireEncoding _fixedWeights;

    internal PrecisionPolicies(NetworkPlan plan, TrainerOptions options)
    {
        _plan = plan;
        foreach (var (cut, policy) in options.AdaptiveCuts.OrderBy(c => c.Key))
        {
            if ((uint)cut >= (uint)plan.Cuts.Count)
            {
                throw new ArgumentOutOfRangeException(nameof(options), cut, $"Network '{plan.Name}' has {plan.Cuts.Count} cuts; AdaptiveCuts names cut {cut}.");
            }

            ArgumentNullException.ThrowIfNull(policy, $"AdaptiveCuts[{cut}]");
            _cuts.Add(cut, (PrecisionWatch.LayerOf(plan, cut), policy.Start()));
        }

        _fixedWeights = options.DataParallel.Weights.Validate();
        var adaptive = options.DataParallel.AdaptiveWeights;
        _layers = plan.Layers.Select(l => adaptive is not null && PrecisionWatch.HasWeights(l) ? adaptive.Start() : null).ToArray();
    }

    /// <summary>The schedule of an adaptive cut, or null when the cut travels in the plan's encoding.</summary>
    public PrecisionSchedule? Cut(int cut) => _cuts.TryGetValue(cut, out var entry) ? entry.Schedule : null;

    /// <summary>The layer a cut's policy watches (see <see cref="PrecisionWatch.LayerOf"/>), or -1 when it has none.</summary>
    public int WatchedLayer(int cut) => _cuts.TryGetValue(cut, out var entry) ? entry.Layer : -1;

    /// <summary>The encoding the weights of plan layer <paramref name="layer"/> go to the replicas in now.</summary>
    public WireEncoding Weights(int layer) => _layers[layer]?.Encoding ?? _fixedWeights;

    /// <summary>The schedule of a layer's exchanged weights, or null when they travel in a fixed encoding.</summary>
    public PrecisionSchedule? Layer(int layer) => _layers[layer];

    /// <summary>Sets every adaptive cut's starting encoding on the transport.</summary>
    internal void Apply(CutTransport transport)
    {
        foreach (var (cut, entry) in _cuts)
        {
            transport.SetEncoding(cut, entry.Schedule.Encoding);
        }
    }

    /// <summary>After an update: every watched layer's norm to its schedules, and the cuts' bits to the transport.</summary>
    internal void Observe(ParameterSet parameters, CutTransport transport)
    {
        if (_cuts.Count == 0 && _layers.All(l => l is null))
        {
            return;
        }

        var norms = new Dictionary<int, double>();
        double NormOf(int layer)
        {
            if (!norms.TryGetValue(layer, out var norm))
            {
                norm = PrecisionWatch.Norm(parameters, _plan.Layers[layer]);
                norms.Add(layer, norm);
            }

            return norm;
        }

        foreach (var (cut, entry) in _cuts)
        {
            if (entry.Layer >= 0 && entry.Schedule.Observe(NormOf(entry.Layer)))
            {
                transport.SetEncoding(cut, entry.Schedule.Encoding);
            }
        }

        for (var layer = 0; layer < _layers.Length; layer++)
        {
            _layers[layer]?.Observe(NormOf(layer));
        }
    }
}
