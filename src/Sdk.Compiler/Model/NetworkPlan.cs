using System;
using System.Collections.Generic;

namespace Sdk.Compiler;

/// <summary>
/// A compiled network: every layer (declared and inserted) in execution order with its chip, shape and counts,
/// every cut with its traffic, every chip with its totals. Immutable; made by <see cref="Compile(NetworkSpec)"/>
/// (the generated <c>Plan</c> of a <c>[Network]</c> class is one), and plans of other variants of the same
/// network by the <c>With...</c> methods.
/// </summary>
public sealed partial class NetworkPlan
{
    private readonly Lazy<string> _markdown;
    private readonly Lazy<string> _json;

    internal NetworkPlan(
        NetworkSpec spec,
        EquatableArray<ChipInfo> chips,
        EquatableArray<LinkInfo> links,
        EquatableArray<LayerInfo> layers,
        EquatableArray<CutInfo> cuts)
    {
        Spec = spec;
        Chips = chips;
        Links = links;
        Layers = layers;
        Cuts = cuts;
        _markdown = new Lazy<string>(() => TrafficReport.Markdown(this));
        _json = new Lazy<string>(() => TrafficReport.Json(this));
    }

    /// <summary>What the plan was compiled from (after automatic placement: every layer's chip is explicit).</summary>
    public NetworkSpec Spec { get; }

    public string Name => Spec.Name;

    /// <summary>One sample: <c>[C, H, W]</c> or <c>[N]</c>.</summary>
    public EquatableArray<int> InputShape => Spec.InputShape;

    public EquatableArray<ChipInfo> Chips { get; }

    public EquatableArray<LinkInfo> Links { get; }

    /// <summary>In execution order; the last one's output is the network's output.</summary>
    public EquatableArray<LayerInfo> Layers { get; }

    public EquatableArray<CutInfo> Cuts { get; }

    /// <summary>The output layer (the last in execution order).</summary>
    public LayerInfo Output => Layers.Last;

    /// <summary>The traffic report (cuts, chip pairs, chips, layers) as Markdown; the same figures as the build's SDK0024 diagnostics.</summary>
    public string TrafficMarkdown => _markdown.Value;

    /// <summary>The traffic report as JSON.</summary>
    public string TrafficJson => _json.Value;

    /// <summary>One line: layers, chips, cuts, bytes per sample forward and in training (the build's SDK0025 message).</summary>
    public string TrafficSummary => TrafficChecks.Summary(this).Message;

    public long ForwardBytesPerSample => Sum(forward: true);

    public long BackwardBytesPerSample => Sum(forward: false);

    /// <summary>Compiles <paramref name="spec"/>, placing it first if it asks for automatic placement.</summary>
    /// <exception cref="NetworkCompilationException">The network has errors (each with its SDK diagnostic ID).</exception>
    public static NetworkPlan Compile(NetworkSpec spec)
    {
        var result = NetworkCompiler.Compile(spec);
        return result.Plan ?? throw new NetworkCompilationException(spec.Name, result.Diagnostics);
    }

    /// <summary>
    /// The plan of a generated network: compiles the spec the generator wrote and checks that it is the plan the
    /// build computed (see <see cref="PlanFingerprint"/>).
    /// </summary>
    /// <exception cref="NetworkCompilationException">The spec does not compile (it did at build time, so the runtime's compiler differs).</exception>
    /// <exception cref="System.InvalidOperationException">The plan differs from the build's.</exception>
    public static NetworkPlan FromBuild(NetworkSpec spec, ulong buildFingerprint)
    {
        var result = NetworkCompiler.CompilePlaced(spec);
        var plan = result.Plan ?? throw new NetworkCompilationException(spec.Name, result.Diagnostics);
        var fingerprint = PlanFingerprint.Of(plan);
        if (fingerprint != buildFingerprint)
        {
            throw new InvalidOperationException(
                $"Network '{spec.Name}': the plan this runtime's compiler derives (fingerprint {fingerprint:x16}) is not the one the build computed ({buildFingerprint:x16}). " +
                "The generator and the runtime come from different versions of the SDK; rebuild the project against one version.");
        }

        return plan;
    }

    public LayerInfo Layer(string name)
    {
        foreach (var layer in Layers)
        {
            if (layer.Name == name)
            {
                return layer;
            }
        }

        throw new KeyNotFoundException($"Network '{Name}' has no layer '{name}'.");
    }

    /// <summary>The declared link between chips <paramref name="a"/> and <paramref name="b"/>, or null.</summary>
    public LinkInfo? LinkBetween(int a, int b)
    {
        foreach (var link in Links)
        {
            if (link.Connects(a, b))
            {
                return link;
            }
        }

        return null;
    }

    public override string ToString() => $"{Name}: {Layers.Count} layers on {Chips.Count} chips, {Cuts.Count} cuts";

    private long Sum(bool forward)
    {
        long total = 0;
        foreach (var cut in Cuts)
        {
            total += forward ? cut.ForwardBytesPerSample : cut.BackwardBytesPerSample;
        }

        return total;
    }
}

/// <summary>A parameter tensor of a layer, named like a PyTorch state dict (<c>Conv1.weight</c>).</summary>
/// <param name="Trainable">False for buffers such as BatchNorm's running statistics.</param>
public sealed record ParameterInfo(string Name, EquatableArray<int> Shape, bool Trainable)
{
    public long Elements => Shapes.Elements(Shape);

    public override string ToString() => $"{Name} {Shapes.Format(Shape)}";
}

/// <summary>One layer of the plan, in execution order, with its arguments and its counts for one sample.</summary>
public sealed record LayerInfo
{
    public int Index { get; internal init; }

    public string Name { get; internal init; } = "";

    public LayerKind Kind { get; internal init; }

    public int Chip { get; internal init; }

    /// <summary>Indices of the layers read, in order; -1 is the network input.</summary>
    public EquatableArray<int> Inputs { get; internal init; }

    /// <summary>Per-sample output shape: <c>[C, H, W]</c> or <c>[N]</c>.</summary>
    public EquatableArray<int> OutputShape { get; internal init; }

    public LayerArguments Arguments { get; internal init; } = LayerArguments.None;

    public EquatableArray<ParameterInfo> Parameters { get; internal init; }

    public long Macs { get; internal init; }

    public long Flops { get; internal init; }

    /// <summary>FLOPs of the backward pass for one sample (training's cost model).</summary>
    public long BackwardFlops { get; internal init; }

    /// <summary>False for layers the compiler inserted (bottleneck encoders and decoders).</summary>
    public bool Declared { get; internal init; }

    /// <summary>
    /// For a BatchNorm that inference folds into the convolution before it (same chip, no activation of its
    /// own, no other reader): that convolution's index; the convolution then applies this layer's activation.
    /// Else -1.
    /// </summary>
    public int FoldedInto { get; internal init; } = -1;

    /// <summary>What the kind is: its rules, counts and training needs.</summary>
    public LayerDefinition Definition => LayerDefinitions.Of(Kind);

    /// <summary>Filters (Conv2D), units (Dense), window (pooling), narrowed or restored channels (bottleneck).</summary>
    public int Size => Arguments.Size;

    public int Kernel => Arguments.Kernel;

    public int Stride => Arguments.Stride;

    public int Padding => Arguments.Padding;

    public int Dilation => Arguments.Dilation;

    public int Groups => Arguments.Groups;

    public bool Bias => Arguments.Bias;

    public Activation Activation => Arguments.Activation;

    public double Epsilon => Arguments.Epsilon;

    public double Momentum => Arguments.Momentum;

    public double Rate => Arguments.Rate;

    /// <summary>Trainable parameters (buffers excluded).</summary>
    public long ParameterCount
    {
        get
        {
            long n = 0;
            foreach (var p in Parameters)
            {
                n += p.Trainable ? p.Elements : 0;
            }

            return n;
        }
    }

    /// <summary>Parameters and buffers.</summary>
    public long StoredElements
    {
        get
        {
            long n = 0;
            foreach (var p in Parameters)
            {
                n += p.Elements;
            }

            return n;
        }
    }

    public override string ToString() => $"{Name} ({Kind}, chip {Chip}, output {Shapes.Format(OutputShape)})";
}

/// <summary>
/// A tensor sent from one chip to another: the output of <see cref="SourceLayer"/> (a bottleneck encoder when
/// <see cref="BottleneckRatio"/> &gt; 1), sent once for all its readers on <see cref="ToChip"/>.
/// </summary>
public sealed record CutInfo
{
    public int Index { get; internal init; }

    /// <summary>Plan index of the layer whose output crosses.</summary>
    public int SourceLayer { get; internal init; }

    /// <summary>The declared layer whose output crosses (before any bottleneck encoder).</summary>
    public string From { get; internal init; } = "";

    /// <summary>The declared layers on the receiving chip that read it.</summary>
    public EquatableArray<string> To { get; internal init; }

    public int FromChip { get; internal init; }

    public int ToChip { get; internal init; }

    /// <summary>Per-sample shape of the tensor on the wire.</summary>
    public EquatableArray<int> Shape { get; internal init; }

    public WireFormat Format { get; internal init; }

    public int BottleneckRatio { get; internal init; } = 1;

    /// <summary>Bytes of one sample's tensor on the wire, in <see cref="Format"/>.</summary>
    public long ForwardBytesPerSample { get; internal init; }

    /// <summary>The gradient of the cut tensor, sent back in training (same shape and format).</summary>
    public long BackwardBytesPerSample { get; internal init; }

    /// <summary>Modelled time of one sample on the declared link (latency + bytes / bandwidth); null without a link.</summary>
    public double? ModelledSecondsPerSample { get; internal init; }

    public long Elements => Shapes.Elements(Shape);

    /// <summary>The format's definition: bytes, rounding, gradient rule.</summary>
    public WireFormatDefinition FormatDefinition => WireFormats.Of(Format);

    /// <summary>Bytes the forward tensor of <paramref name="samples"/> samples takes on the wire.</summary>
    public long ForwardBytes(long samples) => FormatDefinition.Bytes(Elements, samples);

    /// <summary>Bytes its gradient takes on the wire (training).</summary>
    public long BackwardBytes(long samples) => WireFormats.Of(FormatDefinition.GradientFormat).Bytes(Elements, samples);

    public override string ToString() =>
        $"cut {Index}: {From} -> {string.Join(", ", To)} (chip {FromChip} -> {ToChip}, {Shapes.Format(Shape)} {Format}, {ForwardBytesPerSample} B/sample)";
}

/// <summary>A chip of the plan with its totals for one sample.</summary>
public sealed record ChipInfo
{
    public int Id { get; internal init; }

    public string Name { get; internal init; } = "";

    /// <summary>Declared speed; 0 = unknown.</summary>
    public double Gflops { get; internal init; }

    /// <summary>Declared memory; 0 = unlimited.</summary>
    public long MemoryBytes { get; internal init; }

    public int LayerCount { get; internal init; }

    public long Flops { get; internal init; }

    public long BackwardFlops { get; internal init; }

    /// <summary>Trainable parameters.</summary>
    public long Parameters { get; internal init; }

    /// <summary>Parameters and buffers as float32.</summary>
    public long ParameterBytes { get; internal init; }

    /// <summary>Largest set of float32 activations alive at once on this chip for one sample.</summary>
    public long PeakActivationBytes { get; internal init; }

    public bool ParametersFit => MemoryBytes == 0 || ParameterBytes <= MemoryBytes;

    public bool Fits => MemoryBytes == 0 || ParameterBytes + PeakActivationBytes <= MemoryBytes;

    /// <summary>Compute time of one sample's forward pass at the declared speed; null when the speed is unknown.</summary>
    public double? ComputeSecondsPerSample => Gflops > 0 ? Flops / (Gflops * 1e9) : null;

    /// <summary>Forward and backward compute time of one sample (training); null when the speed is unknown.</summary>
    public double? TrainingSecondsPerSample => Gflops > 0 ? (Flops + BackwardFlops) / (Gflops * 1e9) : null;
}

/// <summary>A declared link between two chips (both directions, each its own wire).</summary>
public sealed record LinkInfo
{
    public int ChipA { get; internal init; }

    public int ChipB { get; internal init; }

    /// <summary>Bandwidth in GB/s (10^9 bytes per second).</summary>
    public double GigabytesPerSecond { get; internal init; }

    public double LatencyMicroseconds { get; internal init; }

    /// <summary>Most bytes per sample one cut may carry; 0 = no budget.</summary>
    public long BudgetBytesPerSample { get; internal init; }

    public bool Connects(int a, int b) => (ChipA == a && ChipB == b) || (ChipA == b && ChipB == a);

    /// <summary>Modelled time of one transfer of <paramref name="bytes"/> bytes: latency + bytes / bandwidth.</summary>
    public double ModelledSeconds(long bytes) => (LatencyMicroseconds * 1e-6) + (bytes / (GigabytesPerSecond * 1e9));
}

/// <summary>A network that did not compile: every diagnostic, each with its ID and message.</summary>
public sealed class NetworkCompilationException : Exception
{
    public NetworkCompilationException(string network, EquatableArray<CompilerDiagnostic> diagnostics)
        : base(Describe(network, diagnostics))
    {
        Network = network;
        Diagnostics = diagnostics;
    }

    public string Network { get; }

    public EquatableArray<CompilerDiagnostic> Diagnostics { get; }

    private static string Describe(string network, EquatableArray<CompilerDiagnostic> diagnostics)
    {
        var errors = new List<string>();
        foreach (var d in diagnostics)
        {
            if (d.Severity == Severity.Error)
            {
                errors.Add($"{d.Id}: {d.Message}");
            }
        }

        return $"Network '{network}' does not compile: " + string.Join("; ", errors);
    }
}
