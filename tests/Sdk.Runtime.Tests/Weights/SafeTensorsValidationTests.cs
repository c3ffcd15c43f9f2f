using System;
using System.IO;
using Sdk.Runtime.Tests.TestSupport;
using Sdk.Runtime.Weights;

namespace Sdk.Runtime.Tests.Weights
{
    /// <summary>Each broken rule of the format gives a <see cref="WeightsFormatException"/> naming the file and the tensor.</summary>
    public sealed class SafeTensorsValidationTests : IDisposable
    {
        private readonly TempDirectory _temp = new();

        public void Dispose() => _temp.Dispose();

        private static string Entry(string name, string dtype, string shape, long begin, long end) =>
            $"\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":{shape},\"data_offsets\":[{begin},{end}]}}";

        private WeightsFormatException LoadFails(byte[] contents, string? expectedTensor, string expectedProblem)
        {
            string path = _temp.File("broken.safetensors");
            File.WriteAllBytes(path, contents);
            var e = Assert.Throws<WeightsFormatException>(() => SafeTensorsFile.Read(path));
            Assert.Contains(path, e.Message);
            Assert.Equal(path, e.FilePath);
            Assert.Equal(expectedTensor, e.TensorName);
            if (expectedTensor is not null)
            {
                Assert.Contains($"tensor '{expectedTensor}'", e.Message);
            }

            Assert.Contains(expectedProblem, e.Message);
            return e;
        }

        [Fact]
        public void File_shorter_than_the_length_prefix()
        {
            LoadFails([1, 0, 0], null, "fewer than the 8-byte header length");
        }

        [Fact]
        public void Empty_file()
        {
            LoadFails([], null, "has 0 bytes");
        }

        [Fact]
        public void Header_length_beyond_the_end_of_the_file()
        {
            LoadFails(HandMadeSafeTensors.Build("{}", [], declaredHeaderLength: 1000), null, "header length 1000 reaches past the end");
        }

        [Theory]
        [InlineData(100_000_001UL)]
        [InlineData(1UL << 40)]
        [InlineData(ulong.MaxValue)]
        public void Header_length_over_the_limit_is_refused(ulong declared)
        {
            LoadFails(HandMadeSafeTensors.Build("{}", [], declaredHeaderLength: declared), null, $"the header length {declared} exceeds the limit of 100000000 bytes");
        }

        [Fact]
        public void Header_length_over_the_limit_is_refused_before_allocating_even_when_the_file_is_that_long()
        {
            // A sparse 150 MB file whose prefix claims a 120 MB header: refused by the limit, with nothing allocated for it.
            string path = _temp.File("huge-header.safetensors");
            using (var stream = new FileStream(path, FileMode.CreateNew))
            {
                stream.Write(HandMadeSafeTensors.Build("", [], declaredHeaderLength: 120_000_000));
                stream.SetLength(150_000_000);
            }

            Assert.Throws<WeightsFormatException>(() => SafeTensorsFile.Read(path)); // JIT and first-use caches outside the measurement
            long before = GC.GetAllocatedBytesForCurrentThread();
            var e = Assert.Throws<WeightsFormatException>(() => SafeTensorsFile.Read(path));
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

            Assert.Contains("the header length 120000000 exceeds the limit of 100000000 bytes", e.Message);
            Assert.True(allocated < 1_000_000, $"{allocated} bytes were allocated before the header length was refused");
        }

        [Fact]
        public void Header_length_at_the_limit_is_not_refused_by_the_limit()
        {
            // Exactly 100 000 000 is allowed (the reference refuses only n > 100 000 000): this file fails for being short.
            LoadFails(
                HandMadeSafeTensors.Build("{}", [], declaredHeaderLength: 100_000_000),
                null,
                "the header length 100000000 reaches past the end of the file (10 bytes, 2 after the length)");
        }

        [Fact]
        public void Header_of_exactly_the_limit_is_read()
        {
            // '{' + spaces + '}': 100 000 000 bytes of valid JSON, the largest header the format allows.
            var header = new byte[100_000_000];
            header.AsSpan().Fill((byte)' ');
            header[0] = (byte)'{';
            header[^1] = (byte)'}';
            string path = _temp.File("largest-header.safetensors");
            using (var stream = new FileStream(path, FileMode.CreateNew))
            {
                stream.Write(HandMadeSafeTensors.Build("", [], declaredHeaderLength: 100_000_000));
                stream.Write(header);
            }

            SafeTensorsFile file = SafeTensorsFile.Read(path);
            Assert.Empty(file.Names);
            Assert.Empty(file.Metadata);
        }

        [Fact]
        public void Malformed_json()
        {
            LoadFails(HandMadeSafeTensors.Build("{\"w\":{\"dtype\":\"F32\",", []), null, "not valid JSON");
        }

        [Fact]
        public void Header_that_is_not_utf8()
        {
            byte[] file = HandMadeSafeTensors.Build("{\"w\":1}", []);
            file[10] = 0xFF;  // inside the name
            LoadFails(file, null, "not valid UTF-8");
        }

        [Fact]
        public void Header_that_is_not_an_object()
        {
            LoadFails(HandMadeSafeTensors.Build("[1,2]", []), null, "must be a JSON object");
        }

        [Fact]
        public void Unknown_dtype()
        {
            LoadFails(HandMadeSafeTensors.Build("{" + Entry("w", "Q4", "[2]", 0, 4) + "}", new byte[4]), "w", "unknown or unsupported dtype 'Q4'");
        }

        [Fact]
        public void Range_shorter_than_the_shape_needs()
        {
            LoadFails(
                HandMadeSafeTensors.Build("{" + Entry("w", "F32", "[2,3]", 0, 20) + "}", new byte[20]),
                "w",
                "shape [2, 3] x F32 (4 bytes) needs 24 bytes, but data_offsets [0, 20] span 20 (4 bytes too short)");
        }

        [Theory]
        [InlineData("F32", "[2,3]", 28, "shape [2, 3] x F32 (4 bytes) needs 24 bytes, but data_offsets [0, 28] span 28 (4 bytes too long)")]
        [InlineData("F16", "[3]", 8, "shape [3] x F16 (2 bytes) needs 6 bytes, but data_offsets [0, 8] span 8 (2 bytes too long)")]
        [InlineData("I64", "[]", 9, "shape [] x I64 (8 bytes) needs 8 bytes, but data_offsets [0, 9] span 9 (1 byte too long)")]
        [InlineData("F32", "[0,5]", 4, "shape [0, 5] x F32 (4 bytes) needs 0 bytes, but data_offsets [0, 4] span 4 (4 bytes too long)")]
        public void Range_longer_than_the_shape_needs(string dtype, string shape, long end, string expected)
        {
            // The whole buffer is covered, so only the length rule can catch it: the extra bytes would be read silently.
            LoadFails(HandMadeSafeTensors.Build("{" + Entry("w", dtype, shape, 0, end) + "}", new byte[end]), "w", expected);
        }

        [Theory]
        [InlineData("a", "[2]", 0, 8, "b", "[2]", 4, 12, 12, "b", "data_offsets [4, 12] overlap tensor 'a' [0, 8]")]
        [InlineData("a", "[1]", 0, 4, "b", "[1]", 0, 4, 4, "b", "data_offsets [0, 4] overlap tensor 'a' [0, 4]")]                   // identical
        [InlineData("outer", "[4]", 0, 16, "inner", "[1]", 4, 8, 16, "inner", "data_offsets [4, 8] overlap tensor 'outer' [0, 16]")]  // inside
        [InlineData("a", "[2]", 0, 8, "e", "[0]", 4, 4, 8, "e", "data_offsets [4, 4] overlap tensor 'a' [0, 8]")]                   // empty, inside
        [InlineData("a", "[2]", 0, 8, "b", "[2]", 8, 16, 12, "b", "data_offsets [8, 16] reach past the end of the 12-byte data buffer")]
        [InlineData("a", "[1]", 0, 4, "b", "[1]", 100, 104, 8, "b", "data_offsets [100, 104] reach past the end of the 8-byte data buffer")]
        [InlineData("a", "[1]", 0, 4, "b", "[1]", 8, 12, 12, "b", "bytes [4, 8) of the data buffer before this tensor belong to no tensor")]
        [InlineData("a", "[1]", 0, 8, "b", "[1]", 8, 12, 12, "a", "needs 4 bytes, but data_offsets [0, 8] span 8 (4 bytes too long)")]
        public void Two_ranges_that_do_not_tile_the_buffer(
            string a, string aShape, long aBegin, long aEnd, string b, string bShape, long bBegin, long bEnd, int bufferLength, string culprit, string expected)
        {
            string header = "{" + Entry(a, "F32", aShape, aBegin, aEnd) + "," + Entry(b, "F32", bShape, bBegin, bEnd) + "}";
            LoadFails(HandMadeSafeTensors.Build(header, new byte[bufferLength]), culprit, expected);
        }

        [Fact]
        public void Trailing_bytes_not_covered()
        {
            string header = "{" + Entry("a", "F32", "[1]", 0, 4) + "}";
            LoadFails(HandMadeSafeTensors.Build(header, new byte[10]), "a", "bytes [4, 10) at the end of the data buffer belong to no tensor");
        }

        [Fact]
        public void Offsets_into_an_empty_buffer()
        {
            LoadFails(HandMadeSafeTensors.Build("{" + Entry("w", "F32", "[1]", 0, 4) + "}", []), "w", "reach past the end of the 0-byte data buffer");
        }

        [Fact]
        public void Offsets_beyond_a_64_bit_integer()
        {
            LoadFails(
                HandMadeSafeTensors.Build("{" + Entry("w", "F32", "[1]", 0, 4).Replace("[0,4]", "[0,18446744073709551616]") + "}", new byte[4]),
                "w",
                "'data_offsets' must hold non-negative integers no larger than 9223372036854775807, found 18446744073709551616");
        }

        [Fact]
        public void Gap_at_the_start_of_the_buffer()
        {
            LoadFails(
                HandMadeSafeTensors.Build("{" + Entry("w", "F32", "[1]", 4, 8) + "}", new byte[8]),
                "w",
                "bytes [0, 4) of the data buffer before this tensor belong to no tensor");
        }

        [Fact]
        public void Buffer_with_no_tensors_but_bytes()
        {
            LoadFails(HandMadeSafeTensors.Build("{}", new byte[3]), null, "bytes [0, 3) at the end of the data buffer belong to no tensor");
        }

        [Fact]
        public void Header_order_need_not_be_offset_order()
        {
            // The format orders tensors by data_offsets, whatever their order in the header (the reference sorts them).
            string header = "{" + Entry("c", "F32", "[1]", 8, 12) + "," + Entry("a", "F32", "[1]", 4, 8) + "," + Entry("b", "F32", "[1]", 0, 4) + "}";
            string path = _temp.File("reordered.safetensors");
            File.WriteAllBytes(path, HandMadeSafeTensors.Build(header, HandMadeSafeTensors.Floats(1f, 2f, 3f)));
            SafeTensorsFile file = SafeTensorsFile.Read(path);
            Assert.Equal([2f], file.Get("a").Data);
            Assert.Equal([1f], file.Get("b").Data);
            Assert.Equal([3f], file.Get("c").Data);
        }

        [Fact]
        public void Empty_tensors_may_share_an_offset()
        {
            string header = "{" + Entry("a", "F32", "[0]", 0, 0) + "," + Entry("b", "F16", "[2,0]", 0, 0) + "," + Entry("c", "F32", "[1]", 0, 4) + "}";
            string path = _temp.File("empty.safetensors");
            File.WriteAllBytes(path, HandMadeSafeTensors.Build(header, HandMadeSafeTensors.Floats(5f)));
            SafeTensorsFile file = SafeTensorsFile.Read(path);
            Assert.Empty(file.Get("a").Data);
            Assert.Equal([2, 0], file.Get("b").Shape);
            Assert.Equal([5f], file.Get("c").Data);
        }

        [Fact]
        public void Dimension_larger_than_an_int()
        {
            LoadFails(
                HandMadeSafeTensors.Build("{" + Entry("w", "F32", "[2,4294967296]", 0, 4) + "}", new byte[4]),
                "w",
                "shape [2, 4294967296]: dimension 1 is 4294967296, larger than the limit of 2147483647");
        }

        [Theory]
        [InlineData("[2147483647,2147483647,2147483647]", "F32")]
        [InlineData("[2147483647,2147483647,3]", "I64")]
        [InlineData("[65536,65536,65536,65536]", "F16")]
        public void Element_count_overflowing_a_long(string shape, string dtype)
        {
            var e = LoadFails(
                HandMadeSafeTensors.Build("{" + Entry("w", dtype, shape, 0, 4) + "}", new byte[4]),
                "w",
                "bytes: the size overflows a 64-bit integer");
            Assert.Contains($"needs more than {long.MaxValue} bytes", e.Message);
            Assert.Null(e.InnerException);
        }

        [Theory]
        [InlineData("[1073741824,2]", "F32", 8589934592L)]
        [InlineData("[600000000]", "F32", 2400000000L)]
        [InlineData("[1073741824]", "BF16", 2147483648L)]
        public void Tensor_larger_than_an_array(string shape, string dtype, long bytes)
        {
            // Offsets that agree with the shape, over an empty buffer: the size limit is the first rule broken.
            LoadFails(
                HandMadeSafeTensors.Build("{" + Entry("w", dtype, shape, 0, bytes) + "}", []),
                "w",
                $"needs {bytes} bytes, more than the limit of {Array.MaxLength} bytes for one tensor");
        }

        [Fact]
        public void A_zero_dimension_first_makes_an_empty_tensor_whatever_follows()
        {
            string path = _temp.File("zero.safetensors");
            File.WriteAllBytes(path, HandMadeSafeTensors.Build("{" + Entry("w", "F32", "[0,2147483647,2147483647,2147483647]", 0, 0) + "}", []));
            Assert.Empty(SafeTensorsFile.Read(path).Get("w").Data);
        }

        [Fact]
        public void Header_with_leading_whitespace()
        {
            LoadFails(HandMadeSafeTensors.Build("  {}", []), null, "the header must begin with '{' (0x7B), not byte 0x20");
        }

        [Fact]
        public void A_directory_instead_of_a_file()
        {
            string path = _temp.File("dir.safetensors");
            Directory.CreateDirectory(path);
            var e = Assert.Throws<WeightsFormatException>(() => SafeTensorsFile.Read(path));
            Assert.Equal(path, e.FilePath);
            Assert.Contains("it is a directory, not a safetensors file", e.Message);
        }

        [Fact]
        public void Begin_after_end()
        {
            LoadFails(HandMadeSafeTensors.Build("{" + Entry("w", "F32", "[0]", 4, 0) + "}", new byte[4]), "w", "data_offsets must be [begin, end] with begin <= end, not [4, 0]");
        }

        [Fact]
        public void Duplicate_names()
        {
            string header = "{" + Entry("w", "F32", "[1]", 0, 4) + "," + Entry("w", "F32", "[1]", 4, 8) + "}";
            LoadFails(HandMadeSafeTensors.Build(header, new byte[8]), "w", "appears more than once");
        }

        [Fact]
        public void Missing_field()
        {
            LoadFails(HandMadeSafeTensors.Build("{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", new byte[4]), "w", "no 'shape'");
        }

        [Fact]
        public void Negative_dimension()
        {
            LoadFails(HandMadeSafeTensors.Build("{" + Entry("w", "F32", "[-1]", 0, 4) + "}", new byte[4]), "w", "'shape' must hold non-negative integers no larger than 9223372036854775807, found -1");
        }

        [Fact]
        public void Metadata_with_a_non_string_value()
        {
            LoadFails(HandMadeSafeTensors.Build("{\"__metadata__\":{\"epoch\":3}}", []), "__metadata__", "must be a string");
        }
    }
}
