"""A thin OpenAI-compatible chat client: timeouts, retries with backoff, and one clear error type."""

# The openai package directly rather than LangChain's ChatOpenAI: the same client underneath, without the
# langchain-openai dependency, and its exceptions map one-to-one onto the clear messages below.

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass

from retrieval.errors import GenerationError
from retrieval.settings import Settings

# openai is imported inside the methods: its import costs ~0.8 s of CPU, which every CLI `ask` paid
# at start-up although the default (extractive) answer never calls a model.

Messages = list[dict[str, str]]
# Per generated token: its text and the top alternatives as (token, logprob), most likely first.
TokenLogprobs = list[tuple[str, list[tuple[str, float]]]]


@dataclass(frozen=True)
class LLMConfig:
    """Where and how to call the model; built from Settings by the back-end factory."""

    base_url: str
    model: str
    api_key: str
    temperature: float = 0.0
    timeout: float = 60.0
    max_tokens: int = 256
    retries: int = 2

    @classmethod
    def from_settings(cls, settings: Settings, base_url: str | None = None) -> LLMConfig:
        """The BRIEFLENS_LLM_* endpoint and sampling (`base_url` overrides the configured server)."""
        s = settings
        return cls(
            base_url=base_url or s.llm_base_url,
            model=s.llm_model,
            api_key=s.llm_api_key.get_secret_value(),
            temperature=s.llm_temperature,
            timeout=s.llm_timeout,
            max_tokens=s.llm_max_tokens,
            retries=s.llm_retries,
        )


def _explain(e: Exception, url: str) -> GenerationError:
    """One line a user can act on, for each way the endpoint can fail."""
    import openai

    if isinstance(e, openai.APITimeoutError):
        return GenerationError(f"the model endpoint {url} did not answer in time")
    if isinstance(e, openai.APIConnectionError):
        return GenerationError(f"cannot reach the model endpoint {url}")
    if isinstance(e, openai.RateLimitError):
        return GenerationError(f"the model endpoint {url} is rate-limiting (429) and retries ran out")
    if isinstance(e, openai.APIStatusError):
        return GenerationError(f"the model endpoint {url} answered HTTP {e.status_code}")
    return GenerationError(f"the model endpoint {url} returned malformed output ({type(e).__name__})")


class ChatClient:
    """Chat completions against one OpenAI-compatible server (OpenAI, vLLM, Ollama, llama.cpp)."""

    def __init__(self, config: LLMConfig) -> None:
        import openai

        self.config = config
        # The openai client retries 408/409/429/5xx and dropped connections with exponential backoff.
        self.client = openai.OpenAI(
            base_url=config.base_url, api_key=config.api_key, timeout=config.timeout, max_retries=config.retries
        )

    def reachable(self, timeout: float = 2.0) -> bool:
        """True when the server answers GET /models within `timeout` seconds, whatever the status (no retries)."""
        import openai

        try:
            self.client.with_options(timeout=timeout, max_retries=0).models.list()
        except (openai.APIStatusError, openai.APIResponseValidationError):
            return True  # it answered: a 401, a 404 or an odd body still means the endpoint is up
        except openai.OpenAIError:
            return False
        return True

    def complete(self, messages: Messages, max_tokens: int | None = None) -> str:
        """The model's whole reply (at most max_tokens, default the configured limit)."""
        import openai

        try:
            response = self.client.chat.completions.create(
                model=self.config.model,
                messages=messages,  # type: ignore[arg-type]
                temperature=self.config.temperature,
                max_tokens=max_tokens or self.config.max_tokens,
            )
            content = response.choices[0].message.content
        except openai.OpenAIError as e:
            raise _explain(e, self.config.base_url) from e
        except (IndexError, AttributeError, TypeError, ValueError) as e:
            raise _explain(e, self.config.base_url) from e
        if not isinstance(content, str):
            raise GenerationError(f"the model endpoint {self.config.base_url} returned no text")
        return content

    def complete_logprobs(
        self, messages: Messages, max_tokens: int, top_logprobs: int = 10
    ) -> tuple[str, TokenLogprobs | None]:
        """The reply and, when the server gives them, each token's top alternatives with logprobs."""
        import openai

        try:
            response = self.client.chat.completions.create(
                model=self.config.model,
                messages=messages,  # type: ignore[arg-type]
                temperature=self.config.temperature,
                max_tokens=max_tokens,
                logprobs=True,
                top_logprobs=top_logprobs,
            )
        except openai.BadRequestError:
            # Some OpenAI-compatible servers reject the logprobs fields: ask again without them.
            return self.complete(messages, max_tokens), None
        except openai.OpenAIError as e:
            raise _explain(e, self.config.base_url) from e
        try:
            choice = response.choices[0]
            content = choice.message.content
            tokens = None
            if choice.logprobs is not None and choice.logprobs.content:
                tokens = [
                    (t.token, [(a.token, a.logprob) for a in t.top_logprobs] or [(t.token, t.logprob)])
                    for t in choice.logprobs.content
                ]
        except (IndexError, AttributeError, TypeError, ValueError) as e:
            raise _explain(e, self.config.base_url) from e
        if not isinstance(content, str):
            raise GenerationError(f"the model endpoint {self.config.base_url} returned no text")
        return content, tokens

    def stream(self, messages: Messages, max_tokens: int | None = None) -> Generator[str, None, None]:
        """The reply as text deltas (at most max_tokens); closing the generator closes the connection."""
        import openai
        from openai.types.chat import ChatCompletionChunk

        try:
            chunks = self.client.chat.completions.create(
                model=self.config.model,
                messages=messages,  # type: ignore[arg-type]
                temperature=self.config.temperature,
                max_tokens=max_tokens or self.config.max_tokens,
                stream=True,
            )
            if not isinstance(chunks, openai.Stream):
                raise GenerationError(f"the model endpoint {self.config.base_url} did not stream")
            with chunks:
                for chunk in chunks:
                    if isinstance(chunk, ChatCompletionChunk) and chunk.choices and chunk.choices[0].delta.content:
                        yield chunk.choices[0].delta.content
        except openai.OpenAIError as e:
            raise _explain(e, self.config.base_url) from e
        except (IndexError, AttributeError, TypeError, ValueError) as e:
            raise _explain(e, self.config.base_url) from e
