using System;
using System.Linq;
using Sdk.Runtime.Backends.Cpu;
using Sdk.Runtime.Training;

namespace Sdk.Runtime.Tests.Training;

/// <summary>The trainer's backward pass equals central finite differences of its loss, one network per layer kind.</summary>
public sealed class GradientCheckTests
{
    [Fact]
    public void Conv2D_WithGroupsDilationStridePadding() => GradientCheck.Run(new GradConv(), chips: 1);

    [Fact]
    public void Dense() => GradientCheck.Run(new GradDense(), chips: 1);

    /// <summary>A smaller step: a ±1e-2 step already moves some windows' maximum to another element (a kink, not a derivative).</summary>
    [Fact]
    public void MaxPool() => GradientCheck.Run(new GradMaxPool(), chips: 1, epsilon: 1e-3f);

    [Fact]
    public void AvgPool() => GradientCheck.Run(new GradAvgPool(), chips: 1);

    [Fact]
    public void GlobalAvgPool() => GradientCheck.Run(new GradGlobalAvgPool(), chips: 1);

    [Fact]
    public void BatchNorm_Training() => GradientCheck.Run(new GradBatchNorm(), chips: 1, batch: 5);

    [Fact]
    public void Flatten() => GradientCheck.Run(new GradFlatten(), chips: 1);

    [Fact]
    public void Softmax_NotLast() => GradientCheck.Run(new GradSoftmax(), chips: 1);

    [Fact]
    public void Activations() => GradientCheck.Run(new GradActivation(), chips: 1);

    [Fact]
    public void Add_ThreeInputs_ReaderAccumulation() => GradientCheck.Run(new GradAdd(), chips: 1);

    [Fact]
    public void Concat() => GradientCheck.Run(new GradConcat(), chips: 1);

    [Fact]
    public void Dropout() => GradientCheck.Run(new GradDropout(), chips: 1);

    [Fact]
    public void BottleneckEncoderDecoder_AcrossThreeChips() => GradientCheck.Run(new GradBottleneck(), chips: 3);

    [Fact]
    public void CutGradient_SumsWithLocalReaders() => GradientCheck.Run(new GradCutSkip(), chips: 2);

    [Fact]
    public void Loss_FinalSoftmax_UsesItsInput()
    {
        GradientCheck.Run(new GradSoftmaxLoss(), chips: 1);

        // The loss is the cross-entropy of the Softmax's input, not of its output (no double softmax).
        var network = new GradSoftmaxLoss();
        using var chips = ChipSet.Cpu(1);
        using var trainer = Trainer.Create(network, chips);
        var (images, labels) = GradientCheck.Batch(trainer.Plan, 4, trainer.Classes);
        var loss = trainer.ComputeLoss(images, labels, 4).Loss;
        Assert.Equal(4, trainer.Classes);

        var a = network.A;
        var logits = new float[4 * 4];
        var hidden = new float[4 * 7];
        Sdk.Runtime.Backends.Cpu.Dense.Forward(images, a.Weight, a.Bias, hidden, 4, 6, 7, Activation.Tanh);
        Sdk.Runtime.Backends.Cpu.Dense.Forward(hidden, network.Logits.Weight, network.Logits.Bias, logits, 4, 7, 4);
        Assert.Equal(Softmax.CrossEntropy(logits, labels, 4, 4), loss, 6);
    }

    [Fact]
    public void Loss_CrossEntropyGradient_EqualsFiniteDifferences()
    {
        // d(mean CE)/d(logits) of the kernel the trainer uses, against double-precision central differences.
        var random = new Random(2);
        const int batch = 3, classes = 5;
        var logits = Enumerable.Range(0, batch * classes).Select(_ => (random.NextSingle() * 4) - 2).ToArray();
        var labels = new[] { 0, 4, 2 };
        var gradient = new float[logits.Length];
        Softmax.CrossEntropy(logits, labels, batch, classes, gradient);
        for (var i = 0; i < logits.Length; i++)
        {
            double Loss(double delta)
            {
                double total = 0;
                for (var n = 0; n < batch; n++)
                {
                    var row = Enumerable.Range(0, classes).Select(c => logits[(n * classes) + c] + (((n * classes) + c) == i ? delta : 0)).ToArray();
                    var max = row.Max();
                    total += max + Math.Log(row.Sum(v => Math.Exp(v - max))) - row[labels[n]];
                }

                return total / batch;
            }

            var numeric = (Loss(1e-6) - Loss(-1e-6)) / 2e-6;
            Assert.True(Math.Abs(numeric - gradient[i]) < 1e-6, $"logit {i}: numeric {numeric}, analytic {gradient[i]}");
        }
    }
}
