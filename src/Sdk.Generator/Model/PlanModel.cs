namespace Sdk.Generator.Model;

/// <summary>
/// The compiled network: every layer (declared and inserted) with its chip, shapes and counts, every cut with
/// its traffic, every chip with its totals. The emitters' only input.
/// </summary>
public sealed record PlanModel(
    string Name,
    EquatableArray<int> InputShape,
    EquatableArray<PlannedChip> Chips,
    EquatableArray<PlannedLink> Links,
    EquatableArray<PlannedLayer> Layers,
    EquatableArray<PlannedCut> Cuts)
{
    public long ForwardBytesPerSample
    {
        get
        {
            long total = 0;
            foreach (var cut in Cuts)
            {
                total += cut.ForwardBytesPerSample;
            }

            return total;
        }
    }

    public long BackwardBytesPerSample
    {
        get
        {
            long total = 0;
            foreach (var cut in Cuts)
            {
                total += cut.BackwardBytesPerSample;
            }

            return total;
        }
    }
}

/// <summary>One parameter tensor, named like a PyTorch state dict (<c>Conv1.weight</c>).</summary>
public sealed record ParameterTensor(string Name, EquatableArray<int> Shape, bool Trainable)
{
    public long Elements
    {
        get
        {
            long n = 1;
            foreach (var d in Shape)
            {
                n *= d;
            }

            return n;
        }
    }
}

/// <param name="Inputs">Indices of the layers read, in order; -1 is the network input.</param>
/// <param name="Declared">False for layers the compiler inserted (bottleneck encoders and decoders).</param>
/// <param name="FoldedInto">For a BatchNorm folded into the convolution before it for inference: that layer's index; else -1.</param>
public sealed record PlannedLayer(
    int Index,
    string Name,
    LayerKind Kind,
    int Chip,
    EquatableArray<int> Inputs,
    EquatableArray<int> OutputShape,
    LayerArguments Arguments,
    EquatableArray<ParameterTensor> Parameters,
    long Macs,
    long Flops,
    bool Declared,
    int FoldedInto = -1)
{
    public long TrainableParameters => Count(trainable: true);

    public long BufferElements => Count(trainable: false);

    private long Count(bool trainable)
    {
        long n = 0;
        foreach (var p in Parameters)
        {
            if (p.Trainable == trainable)
            {
                n += p.Elements;
            }
        }

        return n;
    }
}

/// <summary>
/// A tensor sent from one chip to another: the output of <see cref="SourceLayer"/> (a bottleneck encoder when
/// <see cref="BottleneckRatio"/> &gt; 1), sent once for all its readers on <see cref="ToChip"/>.
/// </summary>
/// <param name="From">The user-level layer whose output crosses (before any encoder).</param>
/// <param name="To">The user-level layers on the receiving chip that read it.</param>
/// <param name="SecondsPerSample">Modelled link time for one sample (latency + bytes / bandwidth); null without a link.</param>
public sealed record PlannedCut(
    int Index,
    int SourceLayer,
    string From,
    EquatableArray<string> To,
    int FromChip,
    int ToChip,
    EquatableArray<int> Shape,
    int Format,
    int BottleneckRatio,
    long ForwardBytesPerSample,
    long BackwardBytesPerSample,
    double? SecondsPerSample);

/// <param name="MemoryBytes">0 = unlimited.</param>
/// <param name="ParameterBytes">Parameters and buffers (BatchNorm running statistics), float32.</param>
/// <param name="PeakActivationBytes">Largest set of float32 activations alive at once on this chip, for one sample.</param>
public sealed record PlannedChip(
    int Id,
    string Name,
    double Gflops,
    long MemoryBytes,
    int LayerCount,
    long Flops,
    long Parameters,
    long ParameterBytes,
    long PeakActivationBytes)
{
    public bool ParametersFit => MemoryBytes == 0 || ParameterBytes <= MemoryBytes;

    public bool Fits => MemoryBytes == 0 || ParameterBytes + PeakActivationBytes <= MemoryBytes;

    /// <summary>Compute time for one sample at the declared speed; null when the speed is unknown.</summary>
    public double? SecondsPerSample => Gflops > 0 ? Flops / (Gflops * 1e9) : null;
}

public sealed record PlannedLink(int ChipA, int ChipB, double GigabytesPerSecond, double LatencyMicroseconds, long BudgetBytesPerSample)
{
    public bool Connects(int a, int b) => (ChipA == a && ChipB == b) || (ChipA == b && ChipB == a);

    /// <summary>Modelled time of one transfer of <paramref name="bytes"/> bytes.</summary>
    public double Seconds(long bytes) => (LatencyMicroseconds * 1e-6) + (bytes / (GigabytesPerSecond * 1e9));
}

/// <summary>What the emitters get: the type to re-open, its layer properties, and the plan (null on errors).</summary>
public sealed record GeneratorOutput(TypeSpec Type, EquatableArray<LayerProperty> Properties, PlanModel? Plan);

/// <summary>A partial layer property to implement, and the plan layer it returns.</summary>
public sealed record LayerProperty(string Name, string Accessibility, int LayerIndex);
