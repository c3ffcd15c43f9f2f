namespace Sdk.Generator.Model;

/// <summary>What the user wrote, read off the attributes: the parser's output, the analysis' input.</summary>
public sealed record NetworkSpec(
    TypeSpec Type,
    EquatableArray<int> InputShape,
    LocationInfo? NetworkLocation,
    bool AutoPlacement,
    EquatableArray<ChipSpec> Chips,
    EquatableArray<LinkSpec> Links,
    EquatableArray<LayerSpec> Layers);

/// <summary>Where the partial class lives, enough to re-open it in generated code.</summary>
public sealed record TypeSpec(
    string Name,
    string? Namespace,
    string HintName,
    string Accessibility,
    EquatableArray<string> ContainingTypes);

public sealed record ChipSpec(int Id, string Name, double Gflops, long MemoryKiB, LocationInfo? Location);

public sealed record LinkSpec(
    int ChipA,
    int ChipB,
    double GigabytesPerSecond,
    double LatencyMicroseconds,
    long BudgetBytesPerSample,
    LocationInfo? Location);

/// <summary>
/// One layer property: its layer attribute's arguments plus the chip, bottleneck and transfer annotations.
/// <see cref="Readable"/> is false when the compiler could not bind the attribute (already an error): the layer
/// keeps its place and property, but has no shape.
/// </summary>
public sealed record LayerSpec(
    string Name,
    LayerKind Kind,
    LocationInfo? Location,
    LayerArguments Arguments,
    EquatableArray<string> Inputs,
    int? OnChip,
    LocationInfo? OnChipLocation,
    int? BottleneckRatio,
    LocationInfo? BottleneckLocation,
    int? TransferFormat,
    LocationInfo? TransferLocation,
    string PropertyAccessibility,
    bool IsPartialLayerProperty,
    bool Readable = true);

/// <summary>
/// The layer attribute's arguments. One flat record for all kinds keeps the model simple; a field a kind does
/// not use keeps its default. <see cref="Size"/> is filters (Conv2D), units (Dense) or the window (pooling).
/// </summary>
public sealed record LayerArguments(
    int Size = 0,
    int Kernel = 0,
    int Stride = 1,
    int Padding = 0,
    int Dilation = 1,
    int Groups = 1,
    bool Bias = false,
    int Activation = 0,
    double Epsilon = 0,
    double Momentum = 0,
    double Rate = 0);
