using System;
using System.Globalization;

namespace Sdk.Runtime.Training;

/// <summary>
/// The learning rate as a function of the optimiser step (0 for the first update). Schedules are pure functions of
/// the step, so a run resumed from a checkpoint continues on the same curve.
/// </summary>
public abstract record LearningRateSchedule
{
    private protected LearningRateSchedule()
    {
    }

    /// <summary>The learning rate of update number <paramref name="step"/> (0-based).</summary>
    public abstract double At(long step);

    /// <summary>The same rate for every step.</summary>
    public static LearningRateSchedule Constant(double rate) => new ConstantSchedule(Positive(rate, nameof(rate)));

    /// <summary>
    /// <paramref name="rate"/> multiplied by <paramref name="gamma"/> every <paramref name="stepSize"/> steps
    /// (PyTorch's <c>StepLR</c>, stepped per update).
    /// </summary>
    public static LearningRateSchedule StepDecay(double rate, long stepSize, double gamma = 0.1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stepSize);
        if (!(gamma > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "The decay factor must be positive.");
        }

        return new StepSchedule(Positive(rate, nameof(rate)), stepSize, gamma);
    }

    /// <summary>
    /// Linear warm-up from <c>rate / warmupSteps</c> to <paramref name="rate"/> over the first
    /// <paramref name="warmupSteps"/> steps, then a half cosine from <paramref name="rate"/> down to
    /// <paramref name="minimumRate"/> at step <paramref name="totalSteps"/> (and <paramref name="minimumRate"/> after it).
    /// </summary>
    public static LearningRateSchedule Cosine(double rate, long totalSteps, long warmupSteps = 0, double minimumRate = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(totalSteps);
        ArgumentOutOfRangeException.ThrowIfNegative(warmupSteps);
        if (warmupSteps >= totalSteps)
        {
            throw new ArgumentOutOfRangeException(nameof(warmupSteps), warmupSteps, $"The warm-up must be shorter than the {totalSteps} steps of the schedule.");
        }

        if (!(minimumRate >= 0) || minimumRate > rate)
        {
            throw new ArgumentOutOfRangeException(nameof(minimumRate), minimumRate, "The minimum rate must be in [0, rate].");
        }

        return new CosineSchedule(Positive(rate, nameof(rate)), totalSteps, warmupSteps, minimumRate);
    }

    private static double Positive(double rate, string name) =>
        rate > 0 && double.IsFinite(rate) ? rate : throw new ArgumentOutOfRangeException(name, rate, "A learning rate must be positive and finite.");

    private sealed record ConstantSchedule(double Rate) : LearningRateSchedule
    {
        public override double At(long step) => Rate;

        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"constant {Rate}");
    }

    private sealed record StepSchedule(double Rate, long StepSize, double Gamma) : LearningRateSchedule
    {
        public override double At(long step) => Rate * Math.Pow(Gamma, Math.Max(0, step) / StepSize);

        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"step {Rate} x {Gamma} every {StepSize} steps");
    }

    private sealed record CosineSchedule(double Rate, long TotalSteps, long WarmupSteps, double MinimumRate) : LearningRateSchedule
    {
        public override double At(long step)
        {
            step = Math.Max(0, step);
            if (step < WarmupSteps)
            {
                return Rate * (step + 1) / WarmupSteps;
            }

            var progress = Math.Min(1.0, (double)(step - WarmupSteps) / (TotalSteps - WarmupSteps));
            return MinimumRate + ((Rate - MinimumRate) * 0.5 * (1 + Math.Cos(Math.PI * progress)));
        }

        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"cosine {Rate} -> {MinimumRate} over {TotalSteps} steps, warm-up {WarmupSteps}");
    }
}
