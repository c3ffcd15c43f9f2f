using System;
using System.Collections.Generic;

namespace Sdk.Runtime.Training;

/// <summary>A trainable tensor of the parameter set with its gradient.</summary>
internal sealed class TrainableTensor(ParameterInfo info, float[] values, float[] gradient)
{
    public ParameterInfo Info { get; } = info;

    public string Name => Info.Name;

    public float[] Values { get; } = values;

    public float[] Gradient { get; } = gradient;
}

/// <summary>The per-tensor state of an optimiser (momentum buffers, moments), saved in checkpoints.</summary>
internal abstract class OptimizerState
{
    private readonly Dictionary<string, float[][]> _state = new(StringComparer.Ordinal);

    /// <summary>Suffixes of the state tensors kept per parameter (checkpoint names: <c>optimizer.{parameter}.{suffix}</c>).</summary>
    public abstract IReadOnlyList<string> StateNames { get; }

    /// <summary>The state tensors of <paramref name="parameter"/>, created (zero) on first use.</summary>
    public float[][] For(TrainableTensor parameter)
    {
        if (!_state.TryGetValue(parameter.Name, out var state))
        {
            state = new float[StateNames.Count][];
            for (var i = 0; i < state.Length; i++)
            {
                state[i] = new float[parameter.Values.Length];
            }

            _state.Add(parameter.Name, state);
        }

        return state;
    }

    /// <summary>Applies one update to every tensor; <paramref name="step"/> counts updates from 1.</summary>
    public void Update(IReadOnlyList<TrainableTensor> parameters, double learningRate, long step)
    {
        foreach (var p in parameters)
        {
            Update(p, For(p), learningRate, step);
        }
    }

    protected abstract void Update(TrainableTensor parameter, float[][] state, double learningRate, long step);
}

internal sealed class SgdState(SgdOptions options) : OptimizerState
{
    private static readonly string[] Names = { "momentum_buffer" };

    public override IReadOnlyList<string> StateNames => Names;

    protected override void Update(TrainableTensor parameter, float[][] state, double learningRate, long step)
    {
        var p = parameter.Values;
        var g = parameter.Gradient;
        var v = state[0];
        var lr = (float)learningRate;
        var mu = (float)options.Momentum;
        var wd = (float)options.WeightDecay;
        for (var i = 0; i < p.Length; i++)
        {
            var d = g[i] + (wd * p[i]);
            if (mu != 0)
            {
                v[i] = (mu * v[i]) + d;
                d = options.Nesterov ? d + (mu * v[i]) : v[i];
            }

            p[i] -= lr * d;
        }
    }
}

internal sealed class AdamState(AdamOptions options) : OptimizerState
{
    private static readonly string[] Names = { "exp_avg", "exp_avg_sq" };

    public override IReadOnlyList<string> StateNames => Names;

    protected override void Update(TrainableTensor parameter, float[][] state, double learningRate, long step)
    {
        var p = parameter.Values;
        var g = parameter.Gradient;
        var m = state[0];
        var v = state[1];
        var b1 = (float)options.Beta1;
        var b2 = (float)options.Beta2;
        var eps = (float)options.Epsilon;
        var wd = (float)options.WeightDecay;
        var bias1 = 1 - Math.Pow(options.Beta1, step);
        var bias2Sqrt = (float)Math.Sqrt(1 - Math.Pow(options.Beta2, step));
        var stepSize = (float)(learningRate / bias1);
        var decay = options.Decoupled ? (float)(1 - (learningRate * options.WeightDecay)) : 1f;
        for (var i = 0; i < p.Length; i++)
        {
            var gi = options.Decoupled ? g[i] : g[i] + (wd * p[i]);
            if (options.Decoupled)
            {
                p[i] *= decay;
            }

            m[i] = (b1 * m[i]) + ((1 - b1) * gi);
            v[i] = (b2 * v[i]) + ((1 - b2) * gi * gi);
            p[i] -= stepSize * m[i] / ((MathF.Sqrt(v[i]) / bias2Sqrt) + eps);
        }
    }
}
