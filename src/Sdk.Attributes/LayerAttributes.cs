using System;
using System.Diagnostics;

namespace Sdk
{
    /// <summary>Base of every layer attribute. A property carries exactly one.</summary>
    [AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
    [Conditional("SDK_KEEP_ATTRIBUTES")]
    public abstract class LayerAttribute : Attribute
    {
        /// <summary>The layer this one reads (use <c>nameof</c>, or <see cref="Network.Input"/> for the network input). Default: the previously declared layer, or the network input for the first.</summary>
        public string? Input { get; set; }
    }

    /// <summary>2-D convolution over a <c>[C, H, W]</c> tensor.</summary>
    public sealed class Conv2DAttribute : LayerAttribute
    {
        public Conv2DAttribute(int filters) => Filters = filters;

        /// <summary>Output channels.</summary>
        public int Filters { get; }
        /// <summary>Square kernel size.</summary>
        public int Kernel { get; set; } = 3;
        public int Stride { get; set; } = 1;
        /// <summary>Zero padding on every side.</summary>
        public int Padding { get; set; }
        public int Dilation { get; set; } = 1;
        /// <summary>Channel groups; input and output channels must both be divisible by it.</summary>
        public int Groups { get; set; } = 1;
        public bool Bias { get; set; } = true;
        public Activation Activation { get; set; }
    }

    /// <summary>Fully connected layer; a <c>[C, H, W]</c> input is flattened first.</summary>
    public sealed class DenseAttribute : LayerAttribute
    {
        public DenseAttribute(int units) => Units = units;

        public int Units { get; }
        public bool Bias { get; set; } = true;
        public Activation Activation { get; set; }
    }

    /// <summary>Max pooling. Stride defaults to the window size.</summary>
    public sealed class MaxPoolAttribute : LayerAttribute
    {
        public MaxPoolAttribute(int size) => Size = size;

        public int Size { get; }
        /// <summary>0 = same as <see cref="Size"/>.</summary>
        public int Stride { get; set; }
        public int Padding { get; set; }
    }

    /// <summary>Average pooling (padding is excluded from the average). Stride defaults to the window size.</summary>
    public sealed class AvgPoolAttribute : LayerAttribute
    {
        public AvgPoolAttribute(int size) => Size = size;

        public int Size { get; }
        /// <summary>0 = same as <see cref="Size"/>.</summary>
        public int Stride { get; set; }
        public int Padding { get; set; }
    }

    /// <summary>Averages each channel over H and W: <c>[C, H, W]</c> to <c>[C, 1, 1]</c>.</summary>
    public sealed class GlobalAvgPoolAttribute : LayerAttribute
    {
    }

    /// <summary>Batch normalisation over channels (folded into the preceding convolution for inference where possible).</summary>
    public sealed class BatchNormAttribute : LayerAttribute
    {
        public double Epsilon { get; set; } = 1e-5;
        public double Momentum { get; set; } = 0.1;
        public Activation Activation { get; set; }
    }

    /// <summary>Flattens to a vector. Implicit before <see cref="DenseAttribute"/>.</summary>
    public sealed class FlattenAttribute : LayerAttribute
    {
    }

    /// <summary>Softmax over channels (or features of a vector).</summary>
    public sealed class SoftmaxAttribute : LayerAttribute
    {
    }

    /// <summary>A stand-alone activation layer.</summary>
    public sealed class ActivateAttribute : LayerAttribute
    {
        public ActivateAttribute(Activation function) => Function = function;

        public Activation Function { get; }
    }

    /// <summary>Element-wise sum. One name: the previous layer plus that layer; two or more: exactly those layers.</summary>
    public sealed class AddAttribute : LayerAttribute
    {
        public AddAttribute(params string[] inputs) => Inputs = inputs ?? Array.Empty<string>();

        public string[] Inputs { get; }
        public Activation Activation { get; set; }
    }

    /// <summary>Concatenation along channels. One name: the previous layer then that layer; two or more: exactly those layers.</summary>
    public sealed class ConcatAttribute : LayerAttribute
    {
        public ConcatAttribute(params string[] inputs) => Inputs = inputs ?? Array.Empty<string>();

        public string[] Inputs { get; }
    }

    /// <summary>Zeroes a fraction <see cref="Rate"/> of elements in training; identity in inference.</summary>
    public sealed class DropoutAttribute : LayerAttribute
    {
        public DropoutAttribute(double rate) => Rate = rate;

        public double Rate { get; }
    }
}
