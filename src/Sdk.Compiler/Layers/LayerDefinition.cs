using System;
using System.Collections.Generic;

namespace Sdk.Compiler;

/// <summary>
/// Everything the compiler knows about one layer kind, written once: how its attribute's arguments are read,
/// the rules they obey, the output shape, the parameter tensors, the MACs and FLOPs (forward and backward), and
/// what training keeps for the backward pass. Every stage (parser, shape inference, counts, report, placement)
/// and every backend reads this table; a backend registers a kernel per kind, and a test fails when a kind has
/// none. docs/architecture.md shows how to add one.
/// </summary>
public abstract class LayerDefinition
{
    public abstract LayerKind Kind { get; }

    /// <summary>The attribute users write, without "Attribute" (<c>Conv2D</c>); null for kinds only the compiler inserts.</summary>
    public virtual string? AttributeName => Kind.ToString();

    /// <summary>True when the layer carries its own activation (applied to its output, fused where the kernels can).</summary>
    public virtual bool HasActivation => false;

    /// <summary>True for kinds that read several layers (Add, Concat); the others read one.</summary>
    public virtual bool ReadsSeveral => false;

    /// <summary>What the training forward pass keeps for the backward pass, beyond inputs and outputs.</summary>
    public virtual TrainingNeeds Training => TrainingNeeds.None;

    /// <summary>Reads the layer attribute's arguments (defaults as the attribute documents them).</summary>
    public virtual LayerArguments Read(IAttributeArguments arguments) => LayerArguments.None;

    /// <summary>The layers the attribute reads: <c>Input</c> (the previous layer by default).</summary>
    public virtual EquatableArray<string> ReadInputs(IAttributeArguments arguments) =>
        arguments.String("Input") is { } input ? EquatableArray.Of(input) : LayerSpec.ReadsPrevious;

    /// <summary>Checks the arguments and infers the output shape from the inputs' shapes; null after reporting why not.</summary>
    internal abstract int[]? Infer(LayerCheck check);

    /// <summary>The parameter tensors (suffix after <c>Name.</c>, PyTorch layout, trainable or buffer).</summary>
    public virtual IEnumerable<ParameterShape> Parameters(LayerShapes shapes) => Array.Empty<ParameterShape>();

    /// <summary>Multiply-accumulates of one sample's forward pass.</summary>
    public virtual long Macs(LayerShapes shapes) => 0;

    /// <summary>FLOPs of one sample's forward pass (the rules are in docs/dsl.md, "What the compiler counts").</summary>
    public abstract long Flops(LayerShapes shapes);

    /// <summary>FLOPs of one sample's backward pass: by default as many as forward (element-wise layers).</summary>
    public virtual long BackwardFlops(LayerShapes shapes) => Flops(shapes);

    /// <summary>The convolution this layer computes, for the lower bound and the dataflow models (<see cref="ConvBounds"/>); null when it is none.</summary>
    public virtual ConvolutionShape? Convolution(LayerShapes shapes) => null;

    /// <summary>One FLOP per output element when the layer's own activation is on.</summary>
    protected static long ActivationFlops(LayerShapes shapes) => shapes.Arguments.Activation != Activation.None ? shapes.OutputElements : 0;

    public override string ToString() => Kind.ToString();
}

/// <summary>What a kind keeps from its training forward pass for its backward pass.</summary>
[Flags]
public enum TrainingNeeds
{
    None = 0,

    /// <summary>Where each maximum came from (max pooling).</summary>
    ArgMax = 1,

    /// <summary>The mask that zeroed elements (dropout).</summary>
    Mask = 2,

    /// <summary>The batch mean and inverse standard deviation (batch normalisation).</summary>
    BatchStatistics = 4,
}

/// <summary>A parameter tensor a kind declares: its name after the layer's (<c>weight</c>), its shape, and whether it is trained.</summary>
public readonly record struct ParameterShape(string Suffix, int[] Shape, bool Trainable = true);

/// <summary>A layer's arguments with its input and output shapes: what counts are computed from.</summary>
public readonly struct LayerShapes
{
    public LayerShapes(LayerArguments arguments, IReadOnlyList<EquatableArray<int>> inputs, EquatableArray<int> output)
    {
        Arguments = arguments;
        Inputs = inputs;
        Output = output;
    }

    public LayerArguments Arguments { get; }

    public IReadOnlyList<EquatableArray<int>> Inputs { get; }

    /// <summary>The first input's shape.</summary>
    public EquatableArray<int> Input => Inputs[0];

    public EquatableArray<int> Output { get; }

    public long InputElements => Shapes.Elements(Input);

    public long OutputElements => Shapes.Elements(Output);

    /// <summary>Channels of the first input (its first dimension).</summary>
    public int InputChannels => Input[0];
}

/// <summary>
/// A layer attribute's arguments as the reader sees them: constructor arguments by position, properties by name.
/// An argument that cannot be read (a compile error in the user's code) yields the fallback; the reader reports it.
/// </summary>
public interface IAttributeArguments
{
    int Int(int position, string name);

    int Int(string name, int fallback);

    double Double(int position, string name);

    double Double(string name, double fallback);

    bool Bool(string name, bool fallback);

    Activation Activation(int position, string name);

    Activation Activation(string name);

    string? String(string name);

    /// <summary>A <c>params string[]</c> constructor argument (empty when absent).</summary>
    IReadOnlyList<string> Names(int position);
}
