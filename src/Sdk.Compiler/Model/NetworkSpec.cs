namespace Sdk.Compiler;

/// <summary>
/// What a network says, free of source locations: the <c>[Network]</c> class's attributes as data (the
/// generator reads them off the class), or a network built or imported at run time. The compiler's input;
/// <see cref="NetworkPlan.Compile(NetworkSpec)"/> turns it into a plan.
/// </summary>
/// <param name="Name">The network's name (the class name).</param>
/// <param name="InputShape">One sample: <c>{ C, H, W }</c> or <c>{ N }</c>.</param>
/// <param name="Layers">In declaration order, which is data-flow order.</param>
/// <param name="Lcp">The <c>[Lcp]</c> request: derive the branched network first (<see cref="LcpTransform"/>); null: none.</param>
public sealed record NetworkSpec(
    string Name,
    EquatableArray<int> InputShape,
    PlacementMode Placement,
    EquatableArray<ChipSpec> Chips,
    EquatableArray<LinkSpec> Links,
    EquatableArray<LayerSpec> Layers,
    LcpSpec? Lcp = null)
{
    /// <summary>The index of the layer named <paramref name="name"/>, or -1.</summary>
    public int IndexOf(string name)
    {
        for (var i = 0; i < Layers.Count; i++)
        {
            if (Layers[i].Name == name)
            {
                return i;
            }
        }

        return -1;
    }
}

/// <param name="Name">Display name; null means <c>chip{Id}</c>.</param>
/// <param name="Gflops">Sustained GFLOP/s; 0 = unknown.</param>
/// <param name="MemoryKiB">On-chip memory; 0 = unlimited.</param>
public sealed record ChipSpec(int Id, string? Name = null, double Gflops = 0, long MemoryKiB = 0)
{
    public string DisplayName => Name ?? "chip" + Id;
}

/// <summary>What <c>[Lcp]</c> asks for: see <see cref="LcpTransform"/>.</summary>
/// <param name="LastBranchLayer">The last layer copied into the branches; null: the layer before the first Dense.</param>
public sealed record LcpSpec(int Branches, string? LastBranchLayer = null, int MergeChip = 0);

/// <param name="BudgetBytesPerSample">The most bytes per sample one cut may send; 0 = no budget.</param>
public sealed record LinkSpec(int ChipA, int ChipB, double GigabytesPerSecond, double LatencyMicroseconds = 0, long BudgetBytesPerSample = 0);

/// <summary>One layer as written: its kind and arguments, the layers it reads, and its chip and cut annotations.</summary>
/// <param name="Inputs">Names of the layers read, in order; <see cref="Previous"/> stands for the layer declared before (the network input for the first).</param>
/// <param name="OnChip">The chip from this layer on (until the next one that says); null: the previous layer's chip.</param>
/// <param name="BottleneckRatio">Narrow the tensors crossing into this layer by this ratio; null: no bottleneck.</param>
/// <param name="Transfer">Wire format (with its bits, for Truncated) of the tensors crossing into this layer; null: Float32.</param>
/// <param name="Branch">This layer starts a branch on that chip (<c>[Branch]</c>, see <see cref="BranchChecks"/>); null: it does not.</param>
public sealed record LayerSpec(
    string Name,
    LayerKind Kind,
    LayerArguments Arguments,
    EquatableArray<string> Inputs,
    int? OnChip = null,
    int? BottleneckRatio = null,
    WireEncoding? Transfer = null,
    int? Branch = null)
{
    /// <summary>In <see cref="Inputs"/>, the previously declared layer (or the network input for the first layer).</summary>
    public const string Previous = "";

    /// <summary>In <see cref="Inputs"/>, the network input (<c>Sdk.Network.Input</c>); no layer can have this name.</summary>
    public const string NetworkInput = Network.Input;

    /// <summary>A layer reading only the previous one.</summary>
    public static EquatableArray<string> ReadsPrevious { get; } = EquatableArray.Of(Previous);
}

/// <summary>
/// A layer's arguments. One flat record for every kind keeps specs simple and value-equal; a field a kind does
/// not use keeps its default. <see cref="Size"/> is the filters (Conv2D), units (Dense), window (pooling) or the
/// output channels of an inserted bottleneck layer.
/// </summary>
public sealed record LayerArguments
{
    public static LayerArguments None { get; } = new();

    public int Size { get; init; }
    public int Kernel { get; init; }
    public int Stride { get; init; } = 1;
    public int Padding { get; init; }
    public int Dilation { get; init; } = 1;
    public int Groups { get; init; } = 1;
    public bool Bias { get; init; }
    public Activation Activation { get; init; }
    public double Epsilon { get; init; }
    public double Momentum { get; init; }
    public double Rate { get; init; }
}
