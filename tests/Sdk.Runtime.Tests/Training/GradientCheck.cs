using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Sdk.Runtime.Training;

namespace Sdk.Runtime.Tests.Training;

/// <summary>
/// Central finite differences of the trainer's own loss (training-mode forward, float32 kernels) against the
/// gradients of its backward pass, for sampled elements of every trainable tensor.
/// </summary>
internal static class GradientCheck
{
    /// <summary>Random inputs in [-1, 1] and random labels.</summary>
    public static (float[] Images, int[] Labels) Batch(NetworkPlan plan, int batch, int classes, int seed = 5)
    {
        var random = new Random(seed);
        var images = new float[batch * Shapes.Elements(plan.InputShape)];
        for (var i = 0; i < images.Length; i++)
        {
            images[i] = (2 * random.NextSingle()) - 1;
        }

        var labels = Enumerable.Range(0, batch).Select(_ => random.Next(classes)).ToArray();
        return (images, labels);
    }

    /// <summary>
    /// Checks every trainable tensor: at most <paramref name="perTensor"/> evenly spaced elements, central differences with
    /// step <paramref name="epsilon"/>. Per tensor, max |numeric − analytic| must be within <paramref name="tolerance"/> of
    /// the largest analytic gradient checked, plus the noise of the difference quotient: the float32 loss is exact only
    /// to about 1e-7, so (loss+ − loss−) / 2ε carries an error of about 1e-7 / ε.
    /// </summary>
    public static void Run<TNetwork>(TNetwork network, int chips, int batch = 4, float epsilon = 1e-2f, double tolerance = 1e-2, int perTensor = 24)
        where TNetwork : INetwork
    {
        using var chipSet = ChipSet.Cpu(chips);
        using var trainer = Trainer.Create(network, chipSet, new TrainerOptions { Seed = 3 });
        var (images, labels) = Batch(trainer.Plan, batch, trainer.Classes);
        trainer.ComputeGradients(images, labels, batch);
        var analytic = trainer.TrainableParameters.ToDictionary(n => n, n => trainer.Gradient(n).ToArray());

        var report = new StringBuilder();
        var failed = false;
        foreach (var name in trainer.TrainableParameters)
        {
            var values = network.Parameters[name];
            var stride = Math.Max(1, values.Length / perTensor);
            double worst = 0, scale = 1e-6;
            var worstAt = -1;
            for (var i = 0; i < values.Length; i += stride)
            {
                var original = values[i];
                values[i] = original + epsilon;
                var up = values[i];
                var lossUp = (double)trainer.ComputeLoss(images, labels, batch).Loss;
                values[i] = original - epsilon;
                var down = values[i];
                var lossDown = (double)trainer.ComputeLoss(images, labels, batch).Loss;
                values[i] = original;
                var numeric = (lossUp - lossDown) / ((double)up - down);
                var error = Math.Abs(numeric - analytic[name][i]);
                scale = Math.Max(scale, Math.Abs(analytic[name][i]));
                if (error > worst)
                {
                    (worst, worstAt) = (error, i);
                }
            }

            var relative = worst / scale;
            var allowed = (tolerance * scale) + (2e-7 / epsilon);
            report.AppendLine($"{name}: max error {worst:E2} at {worstAt} (largest gradient {scale:E2}, relative {relative:E2}, allowed {allowed:E2})");
            failed |= worst > allowed || analytic[name].Any(float.IsNaN);
        }

        Assert.False(failed, "Gradient check failed:\n" + report);
        Assert.True(analytic.Values.Any(g => g.Any(v => v != 0)), "every gradient is zero");
    }
}
