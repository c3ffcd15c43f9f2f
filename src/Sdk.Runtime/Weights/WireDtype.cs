using System;

namespace Sdk.Runtime.Weights
{
    /// <summary>
    /// Element types of a safetensors file that the runtime understands. Floating types are read
    /// into float32 and can be written; integer types are read only.
    /// </summary>
    public enum WireDtype
    {
        /// <summary>IEEE float32, 4 bytes (safetensors "F32").</summary>
        F32 = 0,
        /// <summary>IEEE half precision, 2 bytes (safetensors "F16").</summary>
        F16 = 1,
        /// <summary>bfloat16, the top half of a float32, 2 bytes (safetensors "BF16").</summary>
        BF16 = 2,
        /// <summary>Signed 32-bit integer, 4 bytes (safetensors "I32"); read only.</summary>
        I32 = 3,
        /// <summary>Signed 64-bit integer, 8 bytes (safetensors "I64"); read only.</summary>
        I64 = 4,
    }

    /// <summary>Facts about each <see cref="WireDtype"/>.</summary>
    public static class WireDtypeInfo
    {
        /// <summary>Bytes per element.</summary>
        public static int SizeInBytes(this WireDtype dtype) => dtype switch
        {
            WireDtype.F32 => 4,
            WireDtype.F16 => 2,
            WireDtype.BF16 => 2,
            WireDtype.I32 => 4,
            WireDtype.I64 => 8,
            _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown dtype."),
        };

        /// <summary>True for the types read as integers (<see cref="WireDtype.I32"/>, <see cref="WireDtype.I64"/>).</summary>
        public static bool IsInteger(this WireDtype dtype) => dtype is WireDtype.I32 or WireDtype.I64;

        /// <summary>The dtype's name in a safetensors header ("F32", "BF16", ...).</summary>
        public static string HeaderName(this WireDtype dtype) => dtype switch
        {
            WireDtype.F32 => "F32",
            WireDtype.F16 => "F16",
            WireDtype.BF16 => "BF16",
            WireDtype.I32 => "I32",
            WireDtype.I64 => "I64",
            _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown dtype."),
        };

        /// <summary>Parses a safetensors header dtype name; false for names this runtime does not read.</summary>
        public static bool TryParseHeaderName(string name, out WireDtype dtype)
        {
            switch (name)
            {
                case "F32": dtype = WireDtype.F32; return true;
                case "F16": dtype = WireDtype.F16; return true;
                case "BF16": dtype = WireDtype.BF16; return true;
                case "I32": dtype = WireDtype.I32; return true;
                case "I64": dtype = WireDtype.I64; return true;
                default: dtype = default; return false;
            }
        }
    }
}
