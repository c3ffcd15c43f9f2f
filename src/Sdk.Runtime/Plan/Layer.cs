using System;
using Sdk.Runtime;

namespace Sdk;

/// <summary>
/// A layer of a network instance, returned by the generated <c>partial Layer</c> properties: its plan entry
/// (kind, chip, shapes, counts) and typed access to its parameters in the instance's <see cref="ParameterSet"/>.
/// </summary>
public sealed class Layer
{
    private readonly ParameterSet _parameters;

    private Layer(LayerInfo info, ParameterSet parameters)
    {
        Info = info;
        _parameters = parameters;
    }

    public LayerInfo Info { get; }

    public string Name => Info.Name;

    /// <summary>The weight tensor (<c>Name.weight</c>), PyTorch layout; writes change the network.</summary>
    public float[] Weight => Parameter("weight");

    /// <summary>The bias tensor (<c>Name.bias</c>).</summary>
    public float[] Bias => Parameter("bias");

    /// <summary>A parameter or buffer of this layer by its suffix (<c>weight</c>, <c>bias</c>, <c>running_mean</c>, <c>running_var</c>).</summary>
    public float[] Parameter(string suffix)
    {
        var name = $"{Info.Name}.{suffix}";
        if (!_parameters.Contains(name))
        {
            throw new InvalidOperationException($"Layer '{Info.Name}' ({Info.Kind}) has no parameter '{suffix}'; it has {Info.Parameters.Count} parameter tensors.");
        }

        return _parameters[name];
    }

    /// <summary>One <see cref="Layer"/> per plan layer, indexed like <see cref="NetworkPlan.Layers"/>.</summary>
    public static Layer[] CreateAll(ParameterSet parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var layers = new Layer[parameters.Plan.Layers.Count];
        for (var i = 0; i < layers.Length; i++)
        {
            layers[i] = new Layer(parameters.Plan.Layers[i], parameters);
        }

        return layers;
    }

    public override string ToString() => Info.ToString();
}
