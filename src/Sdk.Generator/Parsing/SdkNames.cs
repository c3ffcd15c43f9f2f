namespace Sdk.Generator.Parsing;

/// <summary>Fully qualified names of the SDK types the parser recognises (all in namespace <c>Sdk</c>).</summary>
internal static class SdkNames
{
    public const string Network = "Sdk.NetworkAttribute";
    public const string Chip = "Sdk.ChipAttribute";
    public const string Link = "Sdk.LinkAttribute";
    public const string OnChip = "Sdk.OnChipAttribute";
    public const string Bottleneck = "Sdk.BottleneckAttribute";
    public const string Transfer = "Sdk.TransferAttribute";
    public const string Branch = "Sdk.BranchAttribute";
    public const string Lcp = "Sdk.LcpAttribute";
    public const string LayerBase = "Sdk.LayerAttribute";
    public const string LayerType = "Sdk.Layer";

    /// <summary>The full name of a layer kind's attribute (<c>Conv2D</c> to <c>Sdk.Conv2DAttribute</c>).</summary>
    public static string Attribute(string shortName) => "Sdk." + shortName + "Attribute";
}
