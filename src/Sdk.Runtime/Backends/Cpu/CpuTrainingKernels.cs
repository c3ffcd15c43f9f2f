using System;
using System.Collections.Generic;
using System.Numerics.Tensors;
using Sdk.Runtime.Training;
using Pass = Sdk.Runtime.Backends.Cpu.CpuTrainingExecutor.TrainingPass;

namespace Sdk.Runtime.Backends.Cpu;

/// <summary>
/// How the CPU backend trains each layer kind: its forward pass with training semantics and its backward pass,
/// one entry per <see cref="LayerKind"/> (a test checks the table is complete). The executor applies a layer's
/// own activation around these (its derivative before <see cref="TrainingKernel.Backward"/>).
/// </summary>
internal static class CpuTrainingKernels
{
    private static readonly Dictionary<LayerKind, TrainingKernel> ByKind = new()
    {
        [LayerKind.Conv2D] = new Convolution(),
        [LayerKind.BottleneckEncoder] = new Pointwise(),
        [LayerKind.BottleneckDecoder] = new Pointwise(),
        [LayerKind.Dense] = new FullyConnected(),
        [LayerKind.MaxPool] = new MaxPooling(),
        [LayerKind.AvgPool] = new AveragePooling(),
        [LayerKind.GlobalAvgPool] = new GlobalAveragePooling(),
        [LayerKind.BatchNorm] = new BatchNormalisation(),
        [LayerKind.Softmax] = new SoftmaxLayer(),
        [LayerKind.Activation] = new ActivationLayer(),
        [LayerKind.Add] = new Sum(),
        [LayerKind.Concat] = new Join(),
        [LayerKind.Dropout] = new DropoutLayer(),
        [LayerKind.Flatten] = new Copy(),
    };

    /// <summary>The kinds this backend trains.</summary>
    public static IReadOnlyCollection<LayerKind> Kinds => ByKind.Keys;

    public static TrainingKernel Of(LayerKind kind) => ByKind[kind];

    internal abstract class TrainingKernel
    {
        public abstract void Forward(in Pass p);

        public abstract void Backward(in Pass p);
    }

    /// <summary>A kernel whose backward pass writes only its input's gradient, and only when the input takes one.</summary>
    private abstract class ParameterFree : TrainingKernel
    {
        public sealed override void Backward(in Pass p)
        {
            if (!p.HasInputGradient(0))
            {
                return; // a parameter-free layer on the network input: nothing to propagate
            }

            var dx = p.BeginInputGradient(0, out var accumulate);
            InputGradient(p, dx);
            p.EndInputGradient(0, accumulate);
        }

        protected abstract void InputGradient(in Pass p, Span<float> dx);
    }

    private static ReadOnlySpan<float> Optional(float[]? values) => values is null ? ReadOnlySpan<float>.Empty : values;

    private static Span<float> OptionalOut(float[]? values) => values is null ? Span<float>.Empty : values;

    private sealed class Convolution : TrainingKernel
    {
        public override void Forward(in Pass p) => p.S.Conv!.Forward(p.X[0], p.S.Weight, Optional(p.S.Bias), p.Target, p.Batch);

        public override void Backward(in Pass p)
        {
            var dx = p.BeginInputGradient(0, out var accumulate);
            p.S.Conv!.Backward(p.X[0], p.S.Weight, p.Gradient, dx, p.S.GradWeight, OptionalOut(p.S.GradBias), p.Batch);
            p.EndInputGradient(0, accumulate);
        }
    }

    private sealed class FullyConnected : TrainingKernel
    {
        public override void Forward(in Pass p) =>
            Dense.Forward(p.X[0], p.S.Weight, Optional(p.S.Bias), p.Target, p.Batch, p.S.InFeatures, p.S.Channels, p.Fused);

        public override void Backward(in Pass p)
        {
            var dx = p.BeginInputGradient(0, out var accumulate);
            Dense.Backward(p.X[0], p.S.Weight, p.Gradient, dx, p.S.GradWeight, OptionalOut(p.S.GradBias), p.Batch, p.S.InFeatures, p.S.Channels);
            p.EndInputGradient(0, accumulate);
        }
    }

    /// <summary>A bottleneck encoder or decoder: a 1x1 convolution over an image, a dense layer over a vector.</summary>
    private sealed class Pointwise : TrainingKernel
    {
        private static readonly Convolution Image = new();
        private static readonly FullyConnected Vector = new();

        public override void Forward(in Pass p) => Of(p).Forward(p);

        public override void Backward(in Pass p) => Of(p).Backward(p);

        private static TrainingKernel Of(in Pass p) => p.S.Conv is not null ? Image : Vector;
    }

    private sealed class MaxPooling : ParameterFree
    {
        public override void Forward(in Pass p) => Pooling.MaxForward(p.S.Pool!, p.X[0], p.Y, p.MaxIndices, p.Batch);

        protected override void InputGradient(in Pass p, Span<float> dx) =>
            Pooling.MaxBackward(p.S.Pool!, ReadOnlySpan<float>.Empty, p.MaxIndices, p.Gradient, dx, p.Batch);
    }

    private sealed class AveragePooling : ParameterFree
    {
        public override void Forward(in Pass p) => Pooling.AvgForward(p.S.Pool!, p.X[0], p.Y, p.Batch);

        protected override void InputGradient(in Pass p, Span<float> dx) => Pooling.AvgBackward(p.S.Pool!, p.Gradient, dx, p.Batch);
    }

    private sealed class GlobalAveragePooling : ParameterFree
    {
        public override void Forward(in Pass p) => Pooling.GlobalAvgForward(p.X[0], p.Y, p.Batch, p.S.InChannels, p.S.InSpatial);

        protected override void InputGradient(in Pass p, Span<float> dx) => Pooling.GlobalAvgBackward(p.Gradient, dx, p.Batch, p.S.InChannels, p.S.InSpatial);
    }

    /// <summary>Normalises with the batch's statistics and updates the running ones with the layer's momentum.</summary>
    private sealed class BatchNormalisation : TrainingKernel
    {
        public override void Forward(in Pass p)
        {
            var s = p.S;
            BatchNorm.TrainingForward(
                p.X[0], p.Target, p.Batch, s.Channels, s.Spatial, s.Gamma, s.Beta, s.RunningMean, s.RunningVar,
                (float)s.Info.Momentum, (float)s.Info.Epsilon, s.SavedMean, s.SavedInvStd);
            if (p.Fused != Activation.None)
            {
                Activations.Forward(p.Fused, p.Y);
            }
        }

        public override void Backward(in Pass p)
        {
            var s = p.S;
            var dx = p.BeginInputGradient(0, out var accumulate);
            BatchNorm.TrainingBackward(p.X[0], p.Gradient, dx, p.Batch, s.Channels, s.Spatial, s.Gamma, s.SavedMean, s.SavedInvStd, s.GradGamma, s.GradBeta);
            p.EndInputGradient(0, accumulate);
        }
    }

    private sealed class SoftmaxLayer : ParameterFree
    {
        public override void Forward(in Pass p) => Softmax.Forward(p.X[0], p.Y, p.Batch, p.S.Channels, p.S.Spatial);

        protected override void InputGradient(in Pass p, Span<float> dx) => Softmax.Backward(p.Y, p.Gradient, dx, p.Batch, p.S.Channels, p.S.Spatial);
    }

    private sealed class ActivationLayer : ParameterFree
    {
        public override void Forward(in Pass p) => Activations.Forward(p.S.Activation, p.X[0], p.Y);

        protected override void InputGradient(in Pass p, Span<float> dx) => Activations.Backward(p.S.Activation, p.X[0], p.Y, p.Gradient, dx);
    }

    /// <summary>The sum of the inputs, its activation after the last; the gradient goes to every input unchanged.</summary>
    private sealed class Sum : TrainingKernel
    {
        public override void Forward(in Pass p)
        {
            var x = p.X;
            if (x.Length == 1)
            {
                Activations.Forward(p.Fused, x[0], p.Target);
            }

            for (var k = 1; k < x.Length; k++)
            {
                TensorOps.Add(k == 1 ? x[0] : p.Target, x[k], p.Target, k == x.Length - 1 ? p.Fused : Activation.None);
            }
        }

        public override void Backward(in Pass p)
        {
            for (var k = 0; k < p.X.Length; k++)
            {
                if (p.HasInputGradient(k))
                {
                    var dx = p.BeginInputGradient(k, out var accumulate);
                    p.Gradient.AsSpan().CopyTo(dx);
                    p.EndInputGradient(k, accumulate);
                }
            }
        }
    }

    /// <summary>The inputs along channels; the gradient splits back the same way.</summary>
    private sealed class Join : TrainingKernel
    {
        public override void Forward(in Pass p)
        {
            var s = p.S;
            var offset = 0;
            for (var k = 0; k < p.X.Length; k++)
            {
                TensorOps.ConcatChannels(p.X[k], s.InputChannels[k], p.Y, s.Channels, offset, p.Batch, s.Spatial);
                offset += s.InputChannels[k];
            }
        }

        public override void Backward(in Pass p)
        {
            var s = p.S;
            var offset = 0;
            for (var k = 0; k < p.X.Length; k++)
            {
                if (p.HasInputGradient(k))
                {
                    var dx = p.BeginInputGradient(k, out var accumulate);
                    TensorOps.SplitChannels(p.Gradient, s.Channels, offset, dx, s.InputChannels[k], p.Batch, s.Spatial);
                    p.EndInputGradient(k, accumulate);
                }

                offset += s.InputChannels[k];
            }
        }
    }

    /// <summary>A seeded mask scaled by 1/(1 - rate); the mask depends on (seed, step, layer, element) only.</summary>
    private sealed class DropoutLayer : ParameterFree
    {
        public override void Forward(in Pass p)
        {
            if (p.S.Info.Rate > 0)
            {
                DropoutMask.Fill(p.Mask, p.S.Info.Rate, p.Seed, p.Step, p.S.DropoutKey);
                TensorPrimitives.Multiply(p.X[0], p.Mask, p.Y);
            }
            else
            {
                p.X[0].CopyTo(p.Y, 0);
            }
        }

        protected override void InputGradient(in Pass p, Span<float> dx)
        {
            if (p.S.Info.Rate > 0)
            {
                TensorPrimitives.Multiply(p.Gradient, p.Mask, dx);
            }
            else
            {
                p.Gradient.AsSpan().CopyTo(dx);
            }
        }
    }

    /// <summary>Flatten: the values unchanged, forward and back.</summary>
    private sealed class Copy : ParameterFree
    {
        public override void Forward(in Pass p) => p.X[0].CopyTo(p.Y, 0);

        protected override void InputGradient(in Pass p, Span<float> dx) => p.Gradient.AsSpan().CopyTo(dx);
    }
}
