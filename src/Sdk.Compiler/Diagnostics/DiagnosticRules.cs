namespace Sdk.Compiler;

/// <summary>
/// Every rule of the model compiler, build time (the generator reports them on the attributes) and run time
/// (plan variants and imported networks throw them). IDs are sequential and never reused; each has a page
/// docs/diagnostics/SDKxxxx.md with a wrong and a fixed example and a row in docs/diagnostics/README.md (tests
/// check both).
/// </summary>
public static class DiagnosticRules
{
    public static readonly DiagnosticRule NetworkNotPartial = Error(
        "SDK0001", "Network class must be partial",
        "'{0}' must be declared partial (and so must every type containing it) so the compiler can add its plan and layers");

    public static readonly DiagnosticRule InvalidInputShape = Error(
        "SDK0002", "Invalid network input shape",
        "Network '{0}' has InputShape {1}; it must be {{ C, H, W }} or {{ N }} with every size positive");

    public static readonly DiagnosticRule InvalidLayerProperty = Error(
        "SDK0003", "Layer property has the wrong form",
        "Layer '{0}' must be declared as an instance property 'partial Layer {0} {{ get; }}' without a body, setter or modifiers such as virtual, new or required");

    public static readonly DiagnosticRule MultipleLayerAttributes = Error(
        "SDK0004", "More than one layer attribute",
        "Property '{0}' has the layer attributes {1}; a layer has exactly one");

    public static readonly DiagnosticRule UnreadableAttribute = Error(
        "SDK0005", "Attribute arguments cannot be read",
        "The [{0}] attribute on '{1}' has arguments the compiler could not read; fix the compiler errors on it first");

    public static readonly DiagnosticRule InvalidArgument = Error(
        "SDK0006", "Invalid argument",
        "{0}: {1} is {2}; it must be {3}");

    public static readonly DiagnosticRule UnknownInput = Error(
        "SDK0007", "Unknown input layer",
        "Layer '{0}' reads '{1}', which is not a layer of network '{2}'");

    public static readonly DiagnosticRule InputNotDeclaredBefore = Error(
        "SDK0008", "Input declared later (cycle)",
        "Layer '{0}' reads '{1}', which is not declared before it; declaration order is data-flow order, so this would be a cycle");

    public static readonly DiagnosticRule ShapeMismatch = Error(
        "SDK0009", "Input shape does not fit the layer",
        "Layer '{0}' ({1}) needs {2}, but its input '{3}' has shape {4}");

    public static readonly DiagnosticRule AddShapesDiffer = Error(
        "SDK0010", "Add of different shapes",
        "Layer '{0}' adds tensors of different shapes: {1}");

    public static readonly DiagnosticRule ConcatShapesDiffer = Error(
        "SDK0011", "Concat of incompatible shapes",
        "Layer '{0}' concatenates along channels, but the other dimensions differ: {1}");

    public static readonly DiagnosticRule GroupsDoNotDivide = Error(
        "SDK0012", "Convolution groups do not divide the channels",
        "Layer '{0}': Groups = {1} must divide both its {2} input channels (input shape {3}) and its {4} filters");

    public static readonly DiagnosticRule EmptyOutput = Error(
        "SDK0013", "Window larger than the input",
        "Layer '{0}' ({1}) on input shape {2} gives output size {3}: the window is larger than the padded input");

    public static readonly DiagnosticRule DuplicateChip = Error(
        "SDK0014", "Chip declared twice",
        "Chip {0} is declared more than once");

    public static readonly DiagnosticRule UnknownChip = Error(
        "SDK0015", "Layer placed on an unknown chip",
        "Layer '{0}' is placed on chip {1}, but the network's chips are {2}");

    public static readonly DiagnosticRule InvalidLink = Error(
        "SDK0016", "Invalid link",
        "Link({0}, {1}): {2}");

    public static readonly DiagnosticRule BottleneckNotOnCut = Warning(
        "SDK0017", "Bottleneck on an edge that is not a cut",
        "Layer '{0}' has [Bottleneck] but none of its inputs comes from another chip, so it has no effect");

    public static readonly DiagnosticRule TransferNotOnCut = Warning(
        "SDK0018", "Transfer format on an edge that is not a cut",
        "Layer '{0}' has [Transfer] but none of its inputs comes from another chip, so it has no effect");

    public static readonly DiagnosticRule ConflictingCutSettings = Error(
        "SDK0019", "Readers of one cut ask for different settings",
        "'{0}' is sent from chip {1} to chip {2} once for all its readers there, but they ask for different {3}: {4}");

    public static readonly DiagnosticRule ParametersExceedMemory = Error(
        "SDK0020", "Parameters do not fit the chip",
        "Chip {0} ('{1}') holds {2} bytes of parameters, more than its {3} bytes of memory");

    public static readonly DiagnosticRule ActivationsExceedMemory = Warning(
        "SDK0021", "Parameters and activations do not fit the chip",
        "Chip {0} ('{1}') needs {2} bytes at batch 1 (parameters {3} + peak activations {4}), more than its {5} bytes of memory");

    public static readonly DiagnosticRule CutOverBudget = Warning(
        "SDK0022", "Cut over its link's budget",
        "Cut {0} -> {1} (chip {2} -> {3}) carries {4} bytes per sample, over the link's budget of {5}");

    public static readonly DiagnosticRule CutSlowerThanCompute = Warning(
        "SDK0023", "Cut slower than the sending chip's compute",
        "Cut {0} -> {1} takes {2} µs per sample on its link, longer than chip {3}'s compute time of {4} µs per sample");

    public static readonly DiagnosticRule CutTraffic = Info(
        "SDK0024", "Traffic of a cut",
        "Cut {0} -> {1}: chip {2} -> {3}, shape {4} as {5}: {6} B/sample forward, {7} B/sample backward{8}");

    public static readonly DiagnosticRule TrafficSummary = Info(
        "SDK0025", "Traffic of the network",
        "Network '{0}': {1} layers on {2} chips, {3} cuts, {4} B/sample forward, {5} B/sample in training");

    public static readonly DiagnosticRule CutWithoutLink = Warning(
        "SDK0026", "Cut between chips without a link",
        "Cut {0} -> {1} crosses from chip {2} to chip {3}, but no [Link({2}, {3})] is declared, so its time is not modelled");

    public static readonly DiagnosticRule NoLayers = Error(
        "SDK0027", "Network without layers",
        "Network '{0}' has no layers; declare 'partial Layer' properties with a layer attribute");

    public static readonly DiagnosticRule TooFewInputs = Error(
        "SDK0028", "Too few inputs",
        "Layer '{0}' ({1}) needs at least two inputs, but reads {2}");

    public static readonly DiagnosticRule ChipIdsNotContiguous = Error(
        "SDK0029", "Chip ids not numbered from 0",
        "Chips must be numbered 0 to n-1, but the declared ids are {0}");

    public static readonly DiagnosticRule AnnotationWithoutLayer = Error(
        "SDK0030", "Chip or cut annotation without a layer",
        "Property '{0}' has [{1}] but no layer attribute");

    public static readonly DiagnosticRule AutoPlacement = Info(
        "SDK0031", "Automatic placement",
        "Placed '{0}' on {1} chips: max-load {2} µs per sample ({3}); {4}");

    public static readonly DiagnosticRule BetterPlacementExists = Warning(
        "SDK0032", "A better placement exists",
        "The optimal placement of '{0}' has a max-load of {1} µs per sample, {2}% below this placement's {3} µs: {4}");

    public static readonly DiagnosticRule PlacementFallback = Warning(
        "SDK0033", "Placement search gave up",
        "Placing '{0}' stopped the exact search after {1} states (the build's budget); it used the best split found, which is valid but may not be optimal");

    public static readonly DiagnosticRule PlacementImpossible = Error(
        "SDK0034", "Automatic placement impossible",
        "'{0}' cannot be placed automatically: {1}");

    public static readonly DiagnosticRule TensorTooLarge = Error(
        "SDK0035", "Tensor too large",
        "Layer '{0}' ({1}) gives output shape {2}, {3} elements per sample, more than the {4} one tensor can hold");

    public static readonly DiagnosticRule ParameterTooLarge = Error(
        "SDK0036", "Parameter tensor too large",
        "Layer '{0}' ({1}) needs parameter '{2}' of shape {3}, {4} elements, more than the {5} one tensor can hold");

    public static readonly DiagnosticRule ReservedName = Error(
        "SDK0037", "Name reserved by the generated code",
        "'{0}' cannot be used as {1}: {2}");

    public static readonly DiagnosticRule UnsupportedNetworkClass = Error(
        "SDK0038", "Class cannot hold a network",
        "Class '{0}' cannot be a network: {1}");

    public static readonly DiagnosticRule UnknownLayerAttribute = Error(
        "SDK0039", "Unknown layer attribute",
        "[{0}] on '{1}' derives from Sdk.LayerAttribute but is not a layer kind the compiler knows; the layer kinds are {2}");

    public static readonly DiagnosticRule InternalError = Error(
        "SDK0040", "Internal error of the model compiler",
        "The model compiler failed on '{0}' ({1}: {2}); please report this with the network's source");

    public static readonly DiagnosticRule HiddenGeneratedReference = Error(
        "SDK0041", "Declaration hides what the generated code uses",
        "'{0}' declared here hides the {1} of that name the generated code of network '{2}' uses (from global::System, global::Sdk or global::ILGPU); rename or move the declaration");

    public static readonly DiagnosticRule InvalidLcp = Error(
        "SDK0042", "Network cannot be split into [Lcp] branches",
        "[Lcp(Branches = {1})] on '{0}': {2}");

    public static readonly DiagnosticRule BranchesTouch = Error(
        "SDK0043", "Branches touch before their merge",
        "Layer '{0}' of branch {1} reads '{2}' of branch {3}; branches meet only at their merge layer (a Concat or Add with [OnChip] that reads every branch)");

    public static readonly DiagnosticRule MergeOnNoChip = Error(
        "SDK0044", "Merge of branches on no chip",
        "{0} merges branches {1} on no chip: {2}");

    public static readonly DiagnosticRule InvalidBranches = Error(
        "SDK0045", "Invalid branches",
        "Branches of '{0}': {1}");

    public static readonly DiagnosticRule ConvWorkingSetExceedsMemory = Warning(
        "SDK0046", "Convolution tiling does not fit the chip's memory",
        "Layer '{0}' on chip {1}: the vectorised CPU kernel ({2}) blocks for {3} B on chip, more than the {4} B the chip declares; with that memory the least traffic is {5} B per sample (batch {6}), reached by keeping {7} of partial sums ({8} B) on chip");

    public static readonly DiagnosticRule ConvFarAboveBound = Warning(
        "SDK0047", "Convolution tiling far above its traffic lower bound",
        "Layer '{0}' on chip {1}: the vectorised CPU kernel ({2}) moves {3} B per sample (batch {4}) to and from off-chip memory, {5} times the lower bound of {6} B for the {7} B it keeps on chip; keeping {8} of partial sums ({9} B) on chip instead would reach it (threshold {10})");

    /// <summary>Every rule, in ID order.</summary>
    public static DiagnosticRule[] All { get; } =
    {
        NetworkNotPartial, InvalidInputShape, InvalidLayerProperty, MultipleLayerAttributes, UnreadableAttribute,
        InvalidArgument, UnknownInput, InputNotDeclaredBefore, ShapeMismatch, AddShapesDiffer,
        ConcatShapesDiffer, GroupsDoNotDivide, EmptyOutput, DuplicateChip, UnknownChip, InvalidLink,
        BottleneckNotOnCut, TransferNotOnCut, ConflictingCutSettings, ParametersExceedMemory,
        ActivationsExceedMemory, CutOverBudget, CutSlowerThanCompute, CutTraffic, TrafficSummary, CutWithoutLink,
        NoLayers, TooFewInputs, ChipIdsNotContiguous, AnnotationWithoutLayer, AutoPlacement, BetterPlacementExists,
        PlacementFallback, PlacementImpossible, TensorTooLarge, ParameterTooLarge, ReservedName, UnsupportedNetworkClass,
        UnknownLayerAttribute, InternalError, HiddenGeneratedReference, InvalidLcp, BranchesTouch, MergeOnNoChip, InvalidBranches,
        ConvWorkingSetExceedsMemory, ConvFarAboveBound,
    };

    public static DiagnosticRule? Find(string id)
    {
        foreach (var rule in All)
        {
            if (rule.Id == id)
            {
                return rule;
            }
        }

        return null;
    }

    private static DiagnosticRule Error(string id, string title, string message) => new(id, Severity.Error, title, message);

    private static DiagnosticRule Warning(string id, string title, string message) => new(id, Severity.Warning, title, message);

    private static DiagnosticRule Info(string id, string title, string message) => new(id, Severity.Info, title, message);
}
