using System;
using Sdk.Runtime;

namespace Sdk;

/// <summary>
/// A layer of a network instance, returned by the generated <c>partial Layer</c> properties: its plan entry
/// (kind, chip, shapes, counts).
/// </summary>
public sealed class Layer
{
    private Layer(LayerInfo info) => Info = info;

    public LayerInfo Info { get; }

    public string Name => Info.Name;

    /// <summary>One <see cref="Layer"/> per plan layer, indexed like <see cref="NetworkPlan.Layers"/>.</summary>
    public static Layer[] CreateAll(NetworkPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var layers = new Layer[plan.Layers.Count];
        for (var i = 0; i < layers.Length; i++)
        {
            layers[i] = new Layer(plan.Layers[i]);
        }

        return layers;
    }

    public override string ToString() => Info.ToString();
}
