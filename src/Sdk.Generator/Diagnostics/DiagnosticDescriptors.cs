using Microsoft.CodeAnalysis;

namespace Sdk.Generator.Diagnostics;

/// <summary>
/// Every diagnostic of the model compiler. IDs are sequential and never reused; each has a page
/// docs/diagnostics/SDKxxxx.md with a wrong and a fixed example, and a row in AnalyzerReleases.*.md.
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "Sdk.Network";

    public static readonly DiagnosticDescriptor NetworkNotPartial = Error(
        "SDK0001", "Network class must be partial",
        "'{0}' must be declared partial (and so must every type containing it) so the compiler can add its plan and layers");

    public static readonly DiagnosticDescriptor InvalidInputShape = Error(
        "SDK0002", "Invalid network input shape",
        "Network '{0}' has InputShape {1}; it must be {{ C, H, W }} or {{ N }} with every size positive");

    public static readonly DiagnosticDescriptor InvalidLayerProperty = Error(
        "SDK0003", "Layer property has the wrong form",
        "Layer '{0}' must be declared as an instance property 'partial Layer {0} {{ get; }}' without a body or setter");

    public static readonly DiagnosticDescriptor MultipleLayerAttributes = Error(
        "SDK0004", "More than one layer attribute",
        "Property '{0}' has the layer attributes {1}; a layer has exactly one");

    public static readonly DiagnosticDescriptor UnreadableAttribute = Error(
        "SDK0005", "Attribute arguments cannot be read",
        "The [{0}] attribute on '{1}' has arguments the compiler could not read; fix the compiler errors on it first");

    public static readonly DiagnosticDescriptor InvalidLayerArgument = Error(
        "SDK0006", "Invalid layer argument",
        "{0}: {1} is {2}; it must be {3}");

    public static readonly DiagnosticDescriptor UnknownInput = Error(
        "SDK0007", "Unknown input layer",
        "Layer '{0}' reads '{1}', which is not a layer of network '{2}'");

    public static readonly DiagnosticDescriptor InputNotDeclaredBefore = Error(
        "SDK0008", "Input declared later (cycle)",
        "Layer '{0}' reads '{1}', which is not declared before it; declaration order is data-flow order, so this would be a cycle");

    public static readonly DiagnosticDescriptor ShapeMismatch = Error(
        "SDK0009", "Input shape does not fit the layer",
        "Layer '{0}' ({1}) needs {2}, but its input '{3}' has shape {4}");

    public static readonly DiagnosticDescriptor AddShapesDiffer = Error(
        "SDK0010", "Add of different shapes",
        "Layer '{0}' adds tensors of different shapes: {1}");

    public static readonly DiagnosticDescriptor ConcatShapesDiffer = Error(
        "SDK0011", "Concat of incompatible shapes",
        "Layer '{0}' concatenates along channels, but the other dimensions differ: {1}");

    public static readonly DiagnosticDescriptor GroupsDoNotDivide = Error(
        "SDK0012", "Convolution groups do not divide the channels",
        "Layer '{0}': Groups = {1} must divide both its {2} input channels (input shape {3}) and its {4} filters");

    public static readonly DiagnosticDescriptor EmptyOutput = Error(
        "SDK0013", "Window larger than the input",
        "Layer '{0}' ({1}) on input shape {2} gives output size {3}: the window is larger than the padded input");

    public static readonly DiagnosticDescriptor DuplicateChip = Error(
        "SDK0014", "Chip declared twice",
        "Chip {0} is declared more than once");

    public static readonly DiagnosticDescriptor UnknownChip = Error(
        "SDK0015", "Layer placed on an unknown chip",
        "Layer '{0}' is placed on chip {1}, but the network's chips are {2}");

    public static readonly DiagnosticDescriptor InvalidLink = Error(
        "SDK0016", "Invalid link",
        "Link({0}, {1}): {2}");

    public static readonly DiagnosticDescriptor BottleneckNotOnCut = Warning(
        "SDK0017", "Bottleneck on an edge that is not a cut",
        "Layer '{0}' has [Bottleneck] but none of its inputs comes from another chip, so it has no effect");

    public static readonly DiagnosticDescriptor TransferNotOnCut = Warning(
        "SDK0018", "Transfer format on an edge that is not a cut",
        "Layer '{0}' has [Transfer] but none of its inputs comes from another chip, so it has no effect");

    public static readonly DiagnosticDescriptor ConflictingCutSettings = Error(
        "SDK0019", "Readers of one cut ask for different settings",
        "'{0}' is sent from chip {1} to chip {2} once for all its readers there, but they ask for different {3}: {4}");

    public static readonly DiagnosticDescriptor ParametersExceedMemory = Error(
        "SDK0020", "Parameters do not fit the chip",
        "Chip {0} ('{1}') holds {2} bytes of parameters, more than its {3} bytes of memory");

    public static readonly DiagnosticDescriptor ActivationsExceedMemory = Warning(
        "SDK0021", "Parameters and activations do not fit the chip",
        "Chip {0} ('{1}') needs {2} bytes at batch 1 (parameters {3} + peak activations {4}), more than its {5} bytes of memory");

    public static readonly DiagnosticDescriptor CutOverBudget = Warning(
        "SDK0022", "Cut over its link's budget",
        "Cut {0} -> {1} (chip {2} -> {3}) carries {4} bytes per sample, over the link's budget of {5}");

    public static readonly DiagnosticDescriptor CutSlowerThanCompute = Warning(
        "SDK0023", "Cut slower than the sending chip's compute",
        "Cut {0} -> {1} takes {2} µs per sample on its link, longer than chip {3}'s compute time of {4} µs per sample");

    public static readonly DiagnosticDescriptor CutTraffic = Info(
        "SDK0024", "Traffic of a cut",
        "Cut {0} -> {1}: chip {2} -> {3}, shape {4} as {5}: {6} B/sample forward, {7} B/sample backward{8}");

    public static readonly DiagnosticDescriptor TrafficSummary = Info(
        "SDK0025", "Traffic of the network",
        "Network '{0}': {1} layers on {2} chips, {3} cuts, {4} B/sample forward, {5} B/sample in training");

    public static readonly DiagnosticDescriptor CutWithoutLink = Warning(
        "SDK0026", "Cut between chips without a link",
        "Cut {0} -> {1} crosses from chip {2} to chip {3}, but no [Link({2}, {3})] is declared, so its time is not modelled");

    public static readonly DiagnosticDescriptor NoLayers = Error(
        "SDK0027", "Network without layers",
        "Network '{0}' has no layers; declare 'partial Layer' properties with a layer attribute");

    public static readonly DiagnosticDescriptor TooFewInputs = Error(
        "SDK0028", "Too few inputs",
        "Layer '{0}' ({1}) needs at least two inputs, but reads {2}");

    public static readonly DiagnosticDescriptor ChipIdsNotContiguous = Error(
        "SDK0029", "Chip ids not numbered from 0",
        "Chips must be numbered 0 to n-1, but the declared ids are {0}");

    public static readonly DiagnosticDescriptor AnnotationWithoutLayer = Error(
        "SDK0030", "Chip or cut annotation without a layer",
        "Property '{0}' has [{1}] but no layer attribute");

    public static readonly DiagnosticDescriptor AutoPlacement = Info(
        "SDK0031", "Automatic placement",
        "Placed '{0}' on {1} chips: max-load {2} µs per sample ({3}); {4}");

    public static readonly DiagnosticDescriptor BetterPlacementExists = Warning(
        "SDK0032", "A better placement exists",
        "The optimal placement of '{0}' has a max-load of {1} µs per sample, {2}% below this placement's {3} µs: {4}");

    public static readonly DiagnosticDescriptor PlacementFallback = Warning(
        "SDK0033", "Placement search gave up",
        "Placing '{0}' stopped the exact search ({1}); it used the best split of one topological order, which is valid but may not be optimal");

    public static readonly DiagnosticDescriptor PlacementImpossible = Error(
        "SDK0034", "Automatic placement impossible",
        "'{0}' cannot be placed automatically: {1}");

    public static DiagnosticDescriptor[] All { get; } =
    {
        NetworkNotPartial, InvalidInputShape, InvalidLayerProperty, MultipleLayerAttributes, UnreadableAttribute,
        InvalidLayerArgument, UnknownInput, InputNotDeclaredBefore, ShapeMismatch, AddShapesDiffer,
        ConcatShapesDiffer, GroupsDoNotDivide, EmptyOutput, DuplicateChip, UnknownChip, InvalidLink,
        BottleneckNotOnCut, TransferNotOnCut, ConflictingCutSettings, ParametersExceedMemory,
        ActivationsExceedMemory, CutOverBudget, CutSlowerThanCompute, CutTraffic, TrafficSummary, CutWithoutLink,
        NoLayers, TooFewInputs, ChipIdsNotContiguous, AnnotationWithoutLayer, AutoPlacement, BetterPlacementExists,
        PlacementFallback, PlacementImpossible,
    };

    public static DiagnosticDescriptor? Find(string id)
    {
        foreach (var descriptor in All)
        {
            if (descriptor.Id == id)
            {
                return descriptor;
            }
        }

        return null;
    }

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        Create(id, title, message, DiagnosticSeverity.Error);

    private static DiagnosticDescriptor Warning(string id, string title, string message) =>
        Create(id, title, message, DiagnosticSeverity.Warning);

    private static DiagnosticDescriptor Info(string id, string title, string message) =>
        Create(id, title, message, DiagnosticSeverity.Info);

    private static DiagnosticDescriptor Create(string id, string title, string message, DiagnosticSeverity severity) =>
        new(id, title, message, Category, severity, isEnabledByDefault: true, helpLinkUri: $"docs/diagnostics/{id}.md");
}
