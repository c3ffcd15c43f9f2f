using System;
using System.IO;
using System.Linq;
using Sdk.Runtime.Onnx;
using Sdk.Runtime.Tests.TestSupport;

namespace Sdk.Runtime.Tests.Onnx
{
    /// <summary>TensorProto field numbers: dims 1, data_type 2, float_data 4, int32_data 5, int64_data 7, name 8, raw_data 9, double_data 10, uint64_data 11, data_location 14.</summary>
    public sealed class OnnxTensorTests : IDisposable
    {
        private readonly TempDirectory _temp = new();

        public void Dispose() => _temp.Dispose();

        private static HandMadeProto Tensor(string name, int dataType, params long[] dims)
        {
            var proto = new HandMadeProto();
            foreach (long d in dims)
            {
                proto.Varint(1, d);  // dims is not packed in the official schema
            }

            return proto.Varint(2, dataType).String(8, name);
        }

        [Fact]
        public void Float_from_raw_data()
        {
            byte[] raw = new[] { 1f, -2.5f, 3f, 4f, 5f, 6f }.SelectMany(BitConverter.GetBytes).ToArray();
            OnnxTensor t = OnnxTensor.Parse(Tensor("x", 1, 2, 3).Bytes(9, raw).ToArray());

            Assert.Equal("x", t.Name);
            Assert.Equal(OnnxElementType.Float, t.ElementType);
            Assert.Equal([2, 3], t.Shape);
            Assert.Equal(6, t.ElementCount);
            Assert.True(t.IsFloatingPoint);
            Assert.Equal([1f, -2.5f, 3f, 4f, 5f, 6f], t.FloatData!);
            Assert.Null(t.Int64Data);
        }

        [Fact]
        public void Float_from_float_data()
        {
            OnnxTensor t = OnnxTensor.Parse(Tensor("w", 1, 3).PackedFloats(4, 0.5f, 1.5f, -1f).ToArray());
            Assert.Equal([0.5f, 1.5f, -1f], t.FloatData!);
        }

        [Fact]
        public void Scalar_has_an_empty_shape_and_one_element()
        {
            OnnxTensor t = OnnxTensor.Parse(Tensor("s", 1).PackedFloats(4, 7f).ToArray());
            Assert.Empty(t.Shape);
            Assert.Equal([7f], t.FloatData!);
        }

        [Fact]
        public void Empty_tensor_needs_no_data()
        {
            OnnxTensor t = OnnxTensor.Parse(Tensor("e", 1, 0, 3).ToArray());
            Assert.Equal([0, 3], t.Shape);
            Assert.Empty(t.FloatData!);
        }

        [Fact]
        public void Int64_from_int64_data_and_from_raw_data()
        {
            OnnxTensor typed = OnnxTensor.Parse(Tensor("shape", 7, 3).PackedVarints(7, 1, -1, 1L << 40).ToArray());
            Assert.Equal([1L, -1L, 1L << 40], typed.Int64Data!);
            Assert.False(typed.IsFloatingPoint);
            Assert.Equal([1f, -1f, 1099511627776f], typed.ToFloatArray());

            byte[] raw = new[] { 5L, -6L }.SelectMany(BitConverter.GetBytes).ToArray();
            OnnxTensor fromRaw = OnnxTensor.Parse(Tensor("axes", 7, 2).Bytes(9, raw).ToArray());
            Assert.Equal([5L, -6L], fromRaw.ToInt64Array());
        }

        [Fact]
        public void Double_is_read_as_float()
        {
            OnnxTensor typed = OnnxTensor.Parse(Tensor("d", 11, 2).PackedDoubles(10, 0.25, -1e300).ToArray());
            Assert.Equal(OnnxElementType.Double, typed.ElementType);
            Assert.Equal([0.25f, float.NegativeInfinity], typed.FloatData!);

            byte[] raw = BitConverter.GetBytes(1.5).Concat(BitConverter.GetBytes(2.0)).ToArray();
            Assert.Equal([1.5f, 2f], OnnxTensor.Parse(Tensor("d", 11, 2).Bytes(9, raw).ToArray()).FloatData!);
        }

        [Fact]
        public void Float16_and_bfloat16_from_raw_data_and_from_int32_data()
        {
            Assert.Equal([1f, -2.5f], OnnxTensor.Parse(Tensor("h", 10, 2).Bytes(9, [0x00, 0x3C, 0x00, 0xC1]).ToArray()).FloatData!);
            Assert.Equal([1f, 65504f], OnnxTensor.Parse(Tensor("h", 10, 2).PackedVarints(5, 0x3C00, 0x7BFF).ToArray()).FloatData!);
            Assert.Equal([1f, -2.5f], OnnxTensor.Parse(Tensor("b", 16, 2).Bytes(9, [0x80, 0x3F, 0x20, 0xC0]).ToArray()).FloatData!);
            Assert.Equal([1f], OnnxTensor.Parse(Tensor("b", 16, 1).PackedVarints(5, 0x3F80).ToArray()).FloatData!);
        }

        [Fact]
        public void Narrow_integers_and_bool()
        {
            Assert.Equal([255L, 0L], OnnxTensor.Parse(Tensor("u8", 2, 2).Bytes(9, [255, 0]).ToArray()).Int64Data!);
            Assert.Equal([-1L, 127L], OnnxTensor.Parse(Tensor("i8", 3, 2).Bytes(9, [0xFF, 0x7F]).ToArray()).Int64Data!);
            Assert.Equal([-2L, 3L], OnnxTensor.Parse(Tensor("i8", 3, 2).PackedVarints(5, -2, 3).ToArray()).Int64Data!);
            Assert.Equal([1L, 0L, 1L], OnnxTensor.Parse(Tensor("b", 9, 3).Bytes(9, [1, 0, 1]).ToArray()).Int64Data!);
            Assert.Equal([-70000L], OnnxTensor.Parse(Tensor("i32", 6, 1).PackedVarints(5, -70000).ToArray()).Int64Data!);
            Assert.Equal([4000000000L], OnnxTensor.Parse(Tensor("u32", 12, 1).PackedVarints(11, 4000000000).ToArray()).Int64Data!);
            Assert.Equal([-32768L], OnnxTensor.Parse(Tensor("i16", 5, 1).Bytes(9, [0x00, 0x80]).ToArray()).Int64Data!);
        }

        [Fact]
        public void Reads_a_pb_file()
        {
            string path = _temp.File("input_0.pb");
            File.WriteAllBytes(path, Tensor("x", 1, 1).PackedFloats(4, 3f).ToArray());
            Assert.Equal([3f], OnnxTensor.Read(path).FloatData!);
        }

        [Fact]
        public void Raw_data_of_the_wrong_length_is_an_error_naming_the_file_and_tensor()
        {
            string path = _temp.File("bad.pb");
            File.WriteAllBytes(path, Tensor("x", 1, 2, 2).Bytes(9, new byte[12]).ToArray());
            var e = Assert.Throws<OnnxFormatException>(() => OnnxTensor.Read(path));
            Assert.Equal(path, e.FilePath);
            Assert.Contains($"'{path}'", e.Message);
            Assert.Contains("tensor 'x' has 12 bytes of raw_data, but its shape needs 4 x 4 bytes", e.Message);
        }

        [Fact]
        public void Typed_data_of_the_wrong_count_is_an_error()
        {
            var e = Assert.Throws<OnnxFormatException>(() => OnnxTensor.Parse(Tensor("x", 1, 3).PackedFloats(4, 1f).ToArray(), "src"));
            Assert.Contains("has 1 typed values, but its shape needs 3", e.Message);
        }

        [Fact]
        public void Strings_are_not_supported()
        {
            var e = Assert.Throws<OnnxFormatException>(() => OnnxTensor.Parse(Tensor("s", 8, 1).String(6, "hello").ToArray()));
            Assert.Contains("element type String (8), which is not supported", e.Message);
        }

        [Fact]
        public void External_data_is_not_supported()
        {
            var e = Assert.Throws<OnnxFormatException>(() => OnnxTensor.Parse(Tensor("w", 1, 1).Varint(14, 1).ToArray()));
            Assert.Contains("external file", e.Message);
        }

        [Fact]
        public void Garbage_is_not_a_tensor()
        {
            var e = Assert.Throws<OnnxFormatException>(() => OnnxTensor.Parse([0xFF, 0xFF, 0xFF], "junk.pb"));
            Assert.Contains("'junk.pb'", e.Message);
            Assert.Contains("not a valid TensorProto", e.Message);
        }

        [Fact]
        public void Factories_check_shape_against_data()
        {
            Assert.Throws<ArgumentException>(() => OnnxTensor.FromFloats("w", [2, 2], new float[3]));
            Assert.Throws<ArgumentException>(() => OnnxTensor.FromInt64s("s", [-1], []));
            Assert.Throws<InvalidOperationException>(() => OnnxTensor.FromFloats("w", [1], [1f]).ToInt64Array());
        }
    }
}
