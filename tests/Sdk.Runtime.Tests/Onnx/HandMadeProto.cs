using System;
using System.Collections.Generic;
using System.Text;

namespace Sdk.Runtime.Tests.Onnx
{
    /// <summary>
    /// Encodes protobuf fields by hand (tag = field number &lt;&lt; 3 | wire type), so the tests check
    /// our onnx.proto's field numbers against the official schema, not against itself.
    /// </summary>
    internal sealed class HandMadeProto
    {
        private readonly List<byte> _bytes = [];

        public byte[] ToArray() => _bytes.ToArray();

        public HandMadeProto Varint(int field, long value)
        {
            Tag(field, 0);
            WriteVarint((ulong)value);
            return this;
        }

        public HandMadeProto Bytes(int field, byte[] value)
        {
            Tag(field, 2);
            WriteVarint((ulong)value.Length);
            _bytes.AddRange(value);
            return this;
        }

        public HandMadeProto String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

        public HandMadeProto PackedFloats(int field, params float[] values)
        {
            var payload = new List<byte>();
            foreach (float v in values)
            {
                payload.AddRange(BitConverter.GetBytes(v));
            }

            return Bytes(field, payload.ToArray());
        }

        public HandMadeProto PackedDoubles(int field, params double[] values)
        {
            var payload = new List<byte>();
            foreach (double v in values)
            {
                payload.AddRange(BitConverter.GetBytes(v));
            }

            return Bytes(field, payload.ToArray());
        }

        public HandMadeProto PackedVarints(int field, params long[] values)
        {
            var inner = new HandMadeProto();
            foreach (long v in values)
            {
                inner.WriteVarint((ulong)v);
            }

            return Bytes(field, inner.ToArray());
        }

        private void Tag(int field, int wireType) => WriteVarint((ulong)((field << 3) | wireType));

        private void WriteVarint(ulong value)
        {
            while (value >= 0x80)
            {
                _bytes.Add((byte)(value | 0x80));
                value >>= 7;
            }

            _bytes.Add((byte)value);
        }
    }
}
