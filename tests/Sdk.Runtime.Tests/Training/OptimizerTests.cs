using System;
using Sdk.Runtime.Training;

namespace Sdk.Runtime.Tests.Training;

/// <summary>Optimiser updates and schedules against the formulas (PyTorch's), worked in double.</summary>
public sealed class OptimizerTests
{
    private static (float[] Values, float[] Gradient, TrainableTensor Tensor) Tensor(params float[] values)
    {
        var gradient = new float[values.Length];
        var info = new ParameterInfo("w", new[] { values.Length }, Trainable: true);
        return (values, gradient, new TrainableTensor(info, values, gradient));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Sgd_MomentumAndWeightDecay(bool nesterov)
    {
        var (p, g, t) = Tensor(1f, -2f);
        var state = OptimizerOptions.Sgd(momentum: 0.5, nesterov: nesterov, weightDecay: 0.1).CreateState();
        double[] expected = { 1, -2 }, v = { 0, 0 };
        var grads = new[] { new[] { 0.3, 0.4 }, new[] { -0.2, 0.1 } };
        for (var step = 0; step < 2; step++)
        {
            g[0] = (float)grads[step][0];
            g[1] = (float)grads[step][1];
            state.Update(new[] { t }, 0.1, step + 1);
            for (var i = 0; i < 2; i++)
            {
                var d = grads[step][i] + (0.1 * expected[i]);
                v[i] = (0.5 * v[i]) + d;
                expected[i] -= 0.1 * (nesterov ? d + (0.5 * v[i]) : v[i]);
                Assert.Equal(expected[i], p[i], 6);
            }
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Adam_AndAdamW(bool decoupled)
    {
        var (p, g, t) = Tensor(0.5f, -1.5f);
        var options = decoupled ? OptimizerOptions.AdamW(weightDecay: 0.1) : OptimizerOptions.Adam(weightDecay: 0.1);
        var state = options.CreateState();
        double[] expected = { 0.5, -1.5 }, m = { 0, 0 }, v = { 0, 0 };
        const double lr = 0.01;
        for (var step = 1; step <= 3; step++)
        {
            var grad = new[] { 0.2 * step, -0.3 };
            g[0] = (float)grad[0];
            g[1] = (float)grad[1];
            state.Update(new[] { t }, lr, step);
            for (var i = 0; i < 2; i++)
            {
                var gi = decoupled ? grad[i] : grad[i] + (0.1 * expected[i]);
                if (decoupled)
                {
                    expected[i] *= 1 - (lr * 0.1);
                }

                m[i] = (0.9 * m[i]) + (0.1 * gi);
                v[i] = (0.999 * v[i]) + (0.001 * gi * gi);
                var mHat = m[i] / (1 - Math.Pow(0.9, step));
                var vHat = v[i] / (1 - Math.Pow(0.999, step));
                expected[i] -= lr * mHat / (Math.Sqrt(vHat) + 1e-8);
                Assert.Equal(expected[i], p[i], 5);
            }
        }
    }

    [Fact]
    public void Schedules()
    {
        Assert.Equal(0.1, LearningRateSchedule.Constant(0.1).At(1000));

        var step = LearningRateSchedule.StepDecay(1.0, stepSize: 10, gamma: 0.5);
        Assert.Equal(1.0, step.At(9));
        Assert.Equal(0.5, step.At(10));
        Assert.Equal(0.25, step.At(25));

        var cosine = LearningRateSchedule.Cosine(1.0, totalSteps: 12, warmupSteps: 2, minimumRate: 0.1);
        Assert.Equal(0.5, cosine.At(0), 12);
        Assert.Equal(1.0, cosine.At(1), 12);
        Assert.Equal(1.0, cosine.At(2), 12);
        Assert.Equal(0.55, cosine.At(7), 12); // half way: (1 + 0.1) / 2
        Assert.Equal(0.1, cosine.At(12), 12);
        Assert.Equal(0.1, cosine.At(50), 12);

        Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.Constant(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.Cosine(1, totalSteps: 5, warmupSteps: 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => OptimizerOptions.Sgd(momentum: 1).Validate());
    }
}
