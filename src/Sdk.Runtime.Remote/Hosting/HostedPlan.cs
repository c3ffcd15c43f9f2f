using System;
using System.Collections.Generic;
using System.Linq;
using Sdk.Runtime.Backends;

namespace Sdk.Runtime.Remote.Hosting;

/// <summary>
/// What a chip host serves: one plan (compiled here from a plan file), some of its chips, optionally their
/// weights (loaded from safetensors), and its limits. Every session is checked against it.
/// </summary>
public sealed class HostedPlan
{
    /// <param name="weights">Weights the host runs for inference; null: each session's caller sends them.</param>
    public HostedPlan(NetworkPlan plan, IReadOnlyList<int> chips, ParameterSet? weights, string hostName, long maxMessageBytes)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(chips);
        if (chips.Count == 0)
        {
            throw new ArgumentException("A host serves at least one chip.", nameof(chips));
        }

        foreach (var chip in chips)
        {
            if (chip < 0 || chip >= plan.Chips.Count)
            {
                throw new ArgumentOutOfRangeException(nameof(chips), chip, $"Network '{plan.Name}' has chips 0 to {plan.Chips.Count - 1}; there is no chip {chip}.");
            }
        }

        Plan = plan;
        Chips = chips.Distinct().Order().ToArray();
        Weights = weights;
        HostName = hostName;
        MaxMessageBytes = maxMessageBytes;
        SpecSha256 = PlanFile.SpecSha256(plan.Spec);
        Fingerprint = PlanFingerprint.Of(plan);
        WeightsSha256 = weights is null
            ? new Dictionary<int, string>()
            : Chips.ToDictionary(c => c, c => ChipWeights.Sha256(plan, c, name => weights[name]));
        BatchLimit = new BatchLimit(plan);
    }

    public NetworkPlan Plan { get; }

    public IReadOnlyList<int> Chips { get; }

    public ParameterSet? Weights { get; }

    public string HostName { get; }

    public long MaxMessageBytes { get; }

    public string SpecSha256 { get; }

    public ulong Fingerprint { get; }

    /// <summary>What runs the sessions' chips (the vectorised CPU backend: it runs any plan and trains).</summary>
    public ChipKind Kind { get; init; } = ChipKind.Cpu;

    internal IReadOnlyDictionary<int, string> WeightsSha256 { get; }

    internal BatchLimit BatchLimit { get; }
}
