using System;
using System.Linq;

namespace Sdk.Compiler;

/// <summary>
/// The bytes of data-parallel training's weight exchange, counted like a cut: one of R replicas trains beside the
/// master weights; each step every trainable tensor goes to each of the other R - 1 replicas in the weights'
/// encoding, and its gradient comes back in the gradients' encoding. Each tensor travels as one sample (from a byte
/// boundary), so a tensor of n values costs its encoding's <see cref="WireFormatDefinition.Bytes"/>(n, 1).
/// BatchNorm running statistics are buffers and do not travel.
/// </summary>
public static class ExchangeTraffic
{
    /// <summary>Bytes one tensor of <paramref name="elements"/> values takes in <paramref name="encoding"/>.</summary>
    public static long TensorBytes(long elements, WireEncoding encoding) => WireFormats.Of(encoding).Bytes(elements, 1);

    /// <summary>
    /// Bytes of one step with <paramref name="replicas"/> replicas and one fixed encoding for all weights and one for
    /// all gradients: (R - 1) x the sum over trainable tensors of both.
    /// </summary>
    public static long StepBytes(NetworkPlan plan, int replicas, WireEncoding weights, WireEncoding gradients)
    {
        if (plan is null)
        {
            throw new ArgumentNullException(nameof(plan));
        }

        if (replicas < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(replicas), replicas, "at least one replica");
        }

        var perReplica = plan.Layers
            .SelectMany(l => l.Parameters.Where(p => p.Trainable))
            .Sum(p => TensorBytes(p.Elements, weights) + TensorBytes(p.Elements, gradients));
        return (replicas - 1) * perReplica;
    }
}
