using System;
using System.Collections.Generic;
using System.Globalization;

namespace Sdk.Placement;

/// <summary>
/// A network's nodes 0..n-1 in execution order (a topological order) to split over chips 0..k-1 of possibly different
/// kinds: chip c takes the contiguous run [start_c, end_c) of the order, the runs follow the chip numbering (the
/// pipeline order), and a chip may stay empty. <see cref="Inputs"/>[j] lists the nodes j reads, each &lt; j, or -1
/// for the network input, which costs nothing. The costs come from <see cref="Costs"/>.
/// </summary>
public sealed class PipelineProblem
{
    /// <summary>The most chips a problem may have.</summary>
    public const int MaxChips = 4096;

    public const int MaxNodes = 1_000_000;

    /// <exception cref="ArgumentException">A node reads itself, a later node or a negative index other than -1, or the chip count is out of range; the message names the node and the input.</exception>
    public PipelineProblem(IReadOnlyList<IReadOnlyList<int>> inputs, int chips, IPipelineCosts costs)
    {
        Inputs = inputs ?? throw new ArgumentNullException(nameof(inputs));
        Costs = costs ?? throw new ArgumentNullException(nameof(costs));
        Chips = chips;
        if (chips < 1 || chips > MaxChips)
        {
            throw new ArgumentException($"chips must be between 1 and {MaxChips.ToString(CultureInfo.InvariantCulture)}, got {chips.ToString(CultureInfo.InvariantCulture)}", nameof(chips));
        }

        if (inputs.Count > MaxNodes)
        {
            throw new ArgumentException($"at most {MaxNodes.ToString(CultureInfo.InvariantCulture)} nodes, got {inputs.Count.ToString(CultureInfo.InvariantCulture)}", nameof(inputs));
        }

        for (var j = 0; j < inputs.Count; j++)
        {
            var read = inputs[j] ?? throw new ArgumentException($"node {j}: its input list is null", nameof(inputs));
            for (var i = 0; i < read.Count; i++)
            {
                if (read[i] < -1 || read[i] >= j)
                {
                    throw new ArgumentException(
                        $"node {j}: input #{i} is {read[i]}, but a node reads only earlier nodes (0..{j - 1}) or the network input (-1)", nameof(inputs));
                }
            }
        }
    }

    /// <summary>Per node, the nodes it reads (each &lt; the node), or -1 for the network input.</summary>
    public IReadOnlyList<IReadOnlyList<int>> Inputs { get; }

    public int NodeCount => Inputs.Count;

    /// <summary>k: chips 0..k-1, in pipeline order.</summary>
    public int Chips { get; }

    public IPipelineCosts Costs { get; }
}
