namespace Sdk.Generator.Analysis;

/// <summary>Bytes on the wire per format (values of <c>Sdk.WireFormat</c>).</summary>
internal static class WireFormats
{
    public const int Float32 = 0;
    public const int Float16 = 1;
    public const int BFloat16 = 2;
    public const int Int8 = 3;

    /// <summary>Int8 sends one float32 scale per sample (symmetric quantisation, no zero point).</summary>
    public const int Int8ScaleBytesPerSample = 4;

    public static bool IsValid(int format) => format is >= Float32 and <= Int8;

    public static string Name(int format) => format switch
    {
        Float16 => "Float16",
        BFloat16 => "BFloat16",
        Int8 => "Int8",
        _ => "Float32",
    };

    public static long BytesPerSample(long elements, int format) => format switch
    {
        Float16 or BFloat16 => elements * 2,
        Int8 => elements + Int8ScaleBytesPerSample,
        _ => elements * 4,
    };
}
