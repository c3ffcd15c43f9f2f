using System;
using System.Linq;

namespace Sdk.Runtime.Training;

/// <summary>Which weights an adaptive precision policy watches, and their norm.</summary>
public static class PrecisionWatch
{
    /// <summary>
    /// The layer whose weights the policy of <paramref name="cut"/> watches: the cut's source layer when it has
    /// trainable weights (a bottleneck encoder, a convolution), else the nearest layer before it in plan order that
    /// has, else the first after it; -1 when no layer of the plan has trainable weights.
    /// </summary>
    public static int LayerOf(NetworkPlan plan, int cut)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var source = plan.Cuts[cut].SourceLayer;
        for (var i = source; i >= 0; i--)
        {
            if (HasWeights(plan.Layers[i]))
            {
                return i;
            }
        }

        for (var i = source + 1; i < plan.Layers.Count; i++)
        {
            if (HasWeights(plan.Layers[i]))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Whether the layer has a trainable tensor (what the exchange sends and a policy can watch).</summary>
    public static bool HasWeights(LayerInfo layer) => layer.Parameters.Any(p => p.Trainable);

    /// <summary>The L2 norm of the layer's trainable tensors taken together, summed in double.</summary>
    public static double Norm(ParameterSet parameters, LayerInfo layer)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var sum = 0.0;
        foreach (var p in layer.Parameters.Where(p => p.Trainable))
        {
            foreach (var v in parameters[p.Name])
            {
                sum += (double)v * v;
            }
        }

        return Math.Sqrt(sum);
    }
}
