using System;

namespace Sdk.Runtime.Onnx
{
    /// <summary>One dimension of a declared tensor shape: a fixed size or a named symbol such as "N".</summary>
    public readonly record struct OnnxDim
    {
        private OnnxDim(long? value, string? symbol)
        {
            Value = value;
            Symbol = symbol;
        }

        /// <summary>The symbolic batch dimension, "N".</summary>
        public static OnnxDim Batch { get; } = Symbolic("N");

        /// <summary>The fixed size, or null for a symbolic or unknown dimension.</summary>
        public long? Value { get; }

        /// <summary>The symbol, or null for a fixed or unknown dimension.</summary>
        public string? Symbol { get; }

        /// <summary>A dimension of fixed size.</summary>
        public static OnnxDim Fixed(long value)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            return new OnnxDim(value, null);
        }

        /// <summary>A dimension known only by name (the same name means the same size).</summary>
        public static OnnxDim Symbolic(string symbol)
        {
            ArgumentException.ThrowIfNullOrEmpty(symbol);
            return new OnnxDim(null, symbol);
        }

        /// <summary>A dimension with neither size nor name.</summary>
        public static OnnxDim Unknown { get; } = new(null, null);

        /// <summary>Lets shapes be written as <c>new OnnxDim[] { OnnxDim.Batch, 3, 28, 28 }</c>.</summary>
        public static implicit operator OnnxDim(int value) => Fixed(value);

        /// <inheritdoc />
        public override string ToString() => Value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? Symbol ?? "?";
    }
}
