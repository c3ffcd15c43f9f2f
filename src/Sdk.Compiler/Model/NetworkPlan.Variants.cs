using System;
using System.Linq;

namespace Sdk.Compiler;

/// <summary>
/// Variants of a compiled network without declaring new classes: each method edits one annotation of one declared
/// layer in <see cref="Spec"/> (what its <c>[Bottleneck]</c>, <c>[Transfer]</c> or <c>[OnChip]</c> attribute
/// would say) and compiles the result by the same rules as the generator, so a variant's plan is the plan of the
/// equivalent declared class, and a bad variant fails with the diagnostic the generator would report there.
/// Variants chain, and every step is compiled, so order the edits so that each step is a valid network: to move a
/// cut, place the new one before removing the old (<c>plan.WithChip("Fc1", 1).WithChip("Conv2", null)</c>), since the
/// other order would first put every layer on one chip.
/// </summary>
public sealed partial class NetworkPlan
{
    /// <summary>
    /// The plan with <c>[Bottleneck(Ratio = <paramref name="ratio"/>)]</c> on <paramref name="layer"/>, or without
    /// a bottleneck there when <paramref name="ratio"/> is null (1 is no narrowing either).
    /// </summary>
    /// <exception cref="ArgumentException">The network has no declared layer of that name.</exception>
    /// <exception cref="NetworkCompilationException">The variant does not compile (a ratio below 1: SDK0006; readers of one cut asking for different ratios: SDK0019).</exception>
    public NetworkPlan WithBottleneck(string layer, int? ratio) => Vary(layer, l => l with { BottleneckRatio = ratio });

    /// <summary>
    /// The plan with <c>[Transfer(Format = <paramref name="format"/>, Bits = <paramref name="bits"/>)]</c> on
    /// <paramref name="layer"/>, or without one (Float32) when <paramref name="format"/> is null. <paramref name="bits"/>
    /// is the attribute's <c>Bits</c>: 1 to 32 for <see cref="WireFormat.Truncated"/>, 0 (the default) for the others.
    /// </summary>
    /// <exception cref="ArgumentException">The network has no declared layer of that name, or <paramref name="bits"/> is given without a format.</exception>
    /// <exception cref="NetworkCompilationException">The variant does not compile (an undefined format, or Bits outside 1..32 for Truncated or on another format: SDK0006; conflicting readers: SDK0019).</exception>
    public NetworkPlan WithTransfer(string layer, WireFormat? format, int bits = 0)
    {
        if (format is null && bits != 0)
        {
            throw new ArgumentException($"Bits = {bits} without a format: a layer without [Transfer] sends Float32, which takes no Bits.", nameof(bits));
        }

        return Vary(layer, l => l with { Transfer = format is { } f ? new WireEncoding(f, bits) : null });
    }

    /// <summary>
    /// The plan with <c>[OnChip(<paramref name="chip"/>)]</c> on <paramref name="layer"/>, or without it when null
    /// (the layer then stays on the previous layer's chip). As in a declared class, the chip holds for the later
    /// layers up to the next <c>[OnChip]</c>: this moves a cut.
    /// </summary>
    /// <exception cref="ArgumentException">The network has no declared layer of that name.</exception>
    /// <exception cref="NetworkCompilationException">The variant does not compile (an unknown chip: SDK0015; parameters over a chip's memory: SDK0020).</exception>
    public NetworkPlan WithChip(string layer, int? chip) => Vary(layer, l => l with { OnChip = chip });

    private NetworkPlan Vary(string layer, Func<LayerSpec, LayerSpec> edit)
    {
        if (layer is null)
        {
            throw new ArgumentNullException(nameof(layer));
        }

        var index = Spec.IndexOf(layer);
        if (index < 0)
        {
            throw new ArgumentException(
                $"Network '{Name}' has no declared layer '{layer}' (its declared layers: {string.Join(", ", Spec.Layers.Select(l => l.Name))}).", nameof(layer));
        }

        var layers = Spec.Layers.ToArray();
        layers[index] = edit(layers[index]);
        return Compile(Spec with { Layers = layers.ToEquatableArray() });
    }
}
