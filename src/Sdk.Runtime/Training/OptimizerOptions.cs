using System;
using System.Globalization;

namespace Sdk.Runtime.Training;

/// <summary>
/// Which optimiser a <see cref="Trainer"/> uses and its hyper-parameters (the learning rate comes from the
/// <see cref="LearningRateSchedule"/>). Immutable: every trainer keeps its own optimiser state.
/// </summary>
public abstract record OptimizerOptions
{
    private protected OptimizerOptions()
    {
    }

    /// <summary>The name stored in checkpoints (<c>sgd</c>, <c>adam</c>, <c>adamw</c>); a checkpoint resumes only into the same kind.</summary>
    public abstract string Kind { get; }

    /// <summary>SGD with momentum (PyTorch's <c>torch.optim.SGD</c>, dampening 0); <paramref name="weightDecay"/> is L2 added to the gradient.</summary>
    public static SgdOptions Sgd(double momentum = 0.9, bool nesterov = false, double weightDecay = 0) =>
        new() { Momentum = momentum, Nesterov = nesterov, WeightDecay = weightDecay };

    /// <summary>Adam (<c>torch.optim.Adam</c>); <paramref name="weightDecay"/> is L2 added to the gradient.</summary>
    public static AdamOptions Adam(double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 0) =>
        new() { Beta1 = beta1, Beta2 = beta2, Epsilon = epsilon, WeightDecay = weightDecay, Decoupled = false };

    /// <summary>AdamW (<c>torch.optim.AdamW</c>): weight decay decoupled from the gradient, <c>p -= lr·wd·p</c> before the Adam step.</summary>
    public static AdamOptions AdamW(double weightDecay = 0.01, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8) =>
        new() { Beta1 = beta1, Beta2 = beta2, Epsilon = epsilon, WeightDecay = weightDecay, Decoupled = true };

    internal abstract OptimizerState CreateState();

    internal abstract void Validate();

    private protected static void Check(bool ok, string name, double value, string rule)
    {
        if (!ok)
        {
            throw new ArgumentOutOfRangeException(name, value, $"Optimizer option {name} {rule}.");
        }
    }
}

/// <summary>SGD: <c>g += wd·p; v = μ·v + g; p -= lr·(nesterov ? g + μ·v : v)</c> (PyTorch's formulation, v starts at 0).</summary>
public sealed record SgdOptions : OptimizerOptions
{
    public double Momentum { get; init; } = 0.9;

    public bool Nesterov { get; init; }

    public double WeightDecay { get; init; }

    public override string Kind => "sgd";

    internal override OptimizerState CreateState() => new SgdState(this);

    internal override void Validate()
    {
        Check(Momentum >= 0 && Momentum < 1, nameof(Momentum), Momentum, "must be in [0, 1)");
        Check(WeightDecay >= 0 && double.IsFinite(WeightDecay), nameof(WeightDecay), WeightDecay, "must be finite and not negative");
        if (Nesterov && Momentum == 0)
        {
            throw new ArgumentException("Nesterov momentum needs a positive momentum.");
        }
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"SGD momentum {Momentum}{(Nesterov ? " nesterov" : "")} weight decay {WeightDecay}");
}

/// <summary>
/// Adam / AdamW: <c>m = β1·m + (1-β1)·g; v = β2·v + (1-β2)·g²; p -= lr/(1-β1^t) · m / (√v/√(1-β2^t) + ε)</c>, with the
/// weight decay either added to the gradient (Adam) or applied to the parameter first (AdamW, <see cref="Decoupled"/>).
/// </summary>
public sealed record AdamOptions : OptimizerOptions
{
    public double Beta1 { get; init; } = 0.9;

    public double Beta2 { get; init; } = 0.999;

    public double Epsilon { get; init; } = 1e-8;

    public double WeightDecay { get; init; }

    /// <summary>True for AdamW: decoupled weight decay.</summary>
    public bool Decoupled { get; init; }

    public override string Kind => Decoupled ? "adamw" : "adam";

    internal override OptimizerState CreateState() => new AdamState(this);

    internal override void Validate()
    {
        Check(Beta1 >= 0 && Beta1 < 1, nameof(Beta1), Beta1, "must be in [0, 1)");
        Check(Beta2 >= 0 && Beta2 < 1, nameof(Beta2), Beta2, "must be in [0, 1)");
        Check(Epsilon > 0, nameof(Epsilon), Epsilon, "must be positive");
        Check(WeightDecay >= 0 && double.IsFinite(WeightDecay), nameof(WeightDecay), WeightDecay, "must be finite and not negative");
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{(Decoupled ? "AdamW" : "Adam")} betas ({Beta1}, {Beta2}) eps {Epsilon} weight decay {WeightDecay}");
}
