using System.IO;
using Sdk.Runtime.Tests.TestSupport;
using Sdk.Runtime.Weights;

namespace Sdk.Runtime.Tests.Weights
{
    /// <summary>Each broken rule of the format gives a <see cref="WeightsFormatException"/> naming the file and the tensor.</summary>
    public sealed class SafeTensorsValidationTests : System.IDisposable
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

        [Fact]
        public void Huge_header_length_is_refused_before_allocating()
        {
            LoadFails(HandMadeSafeTensors.Build("{}", [], declaredHeaderLength: ulong.MaxValue), null, "reaches past the end");
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
        public void Shape_and_offsets_disagree()
        {
            LoadFails(
                HandMadeSafeTensors.Build("{" + Entry("w", "F32", "[2,3]", 0, 20) + "}", new byte[20]),
                "w",
                "needs 24 bytes, but data_offsets [0, 20] span 20");
        }

        [Fact]
        public void Overlapping_offsets()
        {
            string header = "{" + Entry("a", "F32", "[2]", 0, 8) + "," + Entry("b", "F32", "[2]", 4, 12) + "}";
            LoadFails(HandMadeSafeTensors.Build(header, new byte[12]), "b", "overlap tensor 'a'");
        }

        [Fact]
        public void Offsets_past_the_end_of_the_buffer()
        {
            string header = "{" + Entry("a", "F32", "[2]", 0, 8) + "," + Entry("b", "F32", "[2]", 8, 16) + "}";
            LoadFails(HandMadeSafeTensors.Build(header, new byte[12]), "b", "reach past the end of the 12-byte data buffer");
        }

        [Fact]
        public void Bytes_between_tensors_not_covered()
        {
            string header = "{" + Entry("a", "F32", "[1]", 0, 4) + "," + Entry("b", "F32", "[1]", 8, 12) + "}";
            LoadFails(HandMadeSafeTensors.Build(header, new byte[12]), "b", "bytes [4, 8) of the data buffer before this tensor belong to no tensor");
        }

        [Fact]
        public void Trailing_bytes_not_covered()
        {
            string header = "{" + Entry("a", "F32", "[1]", 0, 4) + "}";
            LoadFails(HandMadeSafeTensors.Build(header, new byte[10]), "a", "bytes [4, 10) at the end of the data buffer belong to no tensor");
        }

        [Fact]
        public void Begin_after_end()
        {
            LoadFails(HandMadeSafeTensors.Build("{" + Entry("w", "F32", "[0]", 4, 0) + "}", new byte[4]), "w", "begin <= end");
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
            LoadFails(HandMadeSafeTensors.Build("{" + Entry("w", "F32", "[-1]", 0, 4) + "}", new byte[4]), "w", "non-negative integers");
        }

        [Fact]
        public void Metadata_with_a_non_string_value()
        {
            LoadFails(HandMadeSafeTensors.Build("{\"__metadata__\":{\"epoch\":3}}", []), "__metadata__", "must be a string");
        }
    }
}
