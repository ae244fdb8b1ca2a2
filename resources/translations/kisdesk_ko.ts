<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ko_KR">
<context>
    <name>AboutDialog</name>
    <message>
        <location filename="../../kisdesk/ui/about_dialog.py" line="155"/>
        <source>About kisdesk</source>
        <translation>kisdesk 정보</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/about_dialog.py" line="171"/>
        <source>Qt and PySide6 are licensed under the GNU Lesser General Public License version 3 (LGPL-3.0). kisdesk links them dynamically: in the one-folder bundle (the default build) the Qt and PySide6 libraries are separate shared-library files next to the kisdesk program, and you may replace them with your own build of the same version. The licence texts (LGPL-3.0 and the GPL-3.0 it builds on) are in %1. Qt&apos;s source code: %2; PySide6&apos;s: %3.</source>
        <translation>Qt와 PySide6는 GNU 약소 일반 공중 사용 허가서 3판(LGPL-3.0)으로 배포됩니다. kisdesk는 이들을 동적으로 링크합니다. 폴더형 번들(기본 빌드)에서는 Qt와 PySide6 라이브러리가 kisdesk 프로그램 옆에 별도의 공유 라이브러리 파일로 들어 있으며, 같은 버전을 직접 빌드한 파일로 바꿔 쓸 수 있습니다. 라이선스 전문(LGPL-3.0과 그 바탕인 GPL-3.0)은 %1에 있습니다. Qt 소스 코드: %2, PySide6 소스 코드: %3.</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/about_dialog.py" line="183"/>
        <source>The one-file build carries the same libraries inside a self-extracting archive that is unpacked to a temporary folder at every start; they can still be extracted and replaced, but the one-folder build is the compliance-friendly default.</source>
        <translation>단일 파일 빌드는 같은 라이브러리를 자체 압축 해제 파일 안에 담고 있어 시작할 때마다 임시 폴더에 풀어 씁니다. 이 라이브러리도 꺼내어 바꿀 수는 있지만, 라이선스 준수에는 폴더형 빌드가 기본으로 더 적합합니다.</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/about_dialog.py" line="188"/>
        <source>The NanumGothic font is licensed under the SIL Open Font License 1.1 (%1).</source>
        <translation>나눔고딕 글꼴은 SIL Open Font License 1.1로 배포됩니다(%1).</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/about_dialog.py" line="190"/>
        <source>Desktop order ticket for the Korea Investment &amp; Securities (KIS) Open API.</source>
        <translation>한국투자증권(KIS) Open API용 데스크톱 주문 프로그램입니다.</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/about_dialog.py" line="191"/>
        <source>Versions</source>
        <translation>버전</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/about_dialog.py" line="191"/>
        <source>Licences</source>
        <translation>라이선스</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/about_dialog.py" line="191"/>
        <source>Other components and their licences:</source>
        <translation>그 밖의 구성 요소와 라이선스:</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/about_dialog.py" line="192"/>
        <source>Package</source>
        <translation>패키지</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/about_dialog.py" line="192"/>
        <source>Version</source>
        <translation>버전</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/about_dialog.py" line="192"/>
        <source>Licence</source>
        <translation>라이선스</translation>
    </message>
</context>
<context>
    <name>AmbiguousChoiceDialog</name>
    <message>
        <location filename="../../kisdesk/ui/intents_panel.py" line="93"/>
        <source>Which order is yours?</source>
        <translation>어느 주문이 내 주문입니까?</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/intents_panel.py" line="95"/>
        <source>KIS has several orders that match {side} {symbol} {quantity} @ {price}. Choose the one this order became, or “None of these” if none is yours. Nothing is sent either way.</source>
        <translation>KIS에 {side} {symbol} {quantity} @ {price}와 일치하는 주문이 여러 건 있습니다. 이 주문에 해당하는 것을 고르거나, 해당하는 것이 없으면 “해당 없음”을 누르십시오. 어느 쪽이든 아무것도 전송되지 않습니다.</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/intents_panel.py" line="106"/>
        <source>This one is mine</source>
        <translation>이 주문이 내 주문</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/intents_panel.py" line="109"/>
        <source>None of these</source>
        <translation>해당 없음</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/intents_panel.py" line="112"/>
        <source>Decide later</source>
        <translation>나중에 결정</translation>
    </message>
</context>
<context>
    <name>CancelConfirmDialog</name>
    <message>
        <location filename="../../kisdesk/ui/cancel_confirm.py" line="42"/>
        <source>market</source>
        <translation>시장가</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/cancel_confirm.py" line="59"/>
        <source>Cancel orders</source>
        <translation>주문 취소</translation>
    </message>
    <message numerus="yes">
        <location filename="../../kisdesk/ui/cancel_confirm.py" line="60"/>
        <source>Cancel %n order(s)?</source>
        <translation>
            <numerusform>주문 %n건을 취소할까요?</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/cancel_confirm.py" line="63"/>
        <source>This cannot be undone. Shares that fill before KIS processes a cancel stay filled; the grid is refreshed afterwards to show the final state.</source>
        <translation>되돌릴 수 없습니다. KIS가 취소를 처리하기 전에 체결된 수량은 체결된 상태로 남으며, 이후 목록을 새로 고쳐 최종 상태를 보여 줍니다.</translation>
    </message>
    <message numerus="yes">
        <location filename="../../kisdesk/ui/cancel_confirm.py" line="69"/>
        <source>… and %n more</source>
        <translation>
            <numerusform>… 외 %n건</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../kisdesk/ui/cancel_confirm.py" line="72"/>
        <source>Cancel %n order(s)</source>
        <translation>
            <numerusform>주문 %n건 취소</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/cancel_confirm.py" line="74"/>
        <source>Keep orders</source>
        <translation>주문 유지</translation>
    </message>
</context>
<context>
    <name>CancelReport</name>
    <message>
        <location filename="../../kisdesk/ui/cancel_confirm.py" line="115"/>
        <source>Cancel failed: {0}</source>
        <translation>취소 실패: {0}</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/cancel_confirm.py" line="119"/>
        <source>cancel accepted</source>
        <translation>취소 접수</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/cancel_confirm.py" line="130"/>
        <source>, {0} failed: {1} {2} {3}</source>
        <translation>, {0}건 실패: {1} {2} {3}</translation>
    </message>
</context>
<context>
    <name>CredentialsDialog</name>
    <message>
        <location filename="../../kisdesk/ui/credentials_dialog.py" line="71"/>
        <source>Credentials — %1</source>
        <translation>인증 정보 — %1</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/credentials_dialog.py" line="75"/>
        <source>36 characters from the KIS developer portal</source>
        <translation>KIS 개발자센터에서 받은 36자</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/credentials_dialog.py" line="78"/>
        <source>180 characters</source>
        <translation>180자</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/credentials_dialog.py" line="82"/>
        <source>Individual (P)</source>
        <translation>개인 (P)</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/credentials_dialog.py" line="83"/>
        <source>Corporate (B)</source>
        <translation>법인 (B)</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/credentials_dialog.py" line="88"/>
        <source>App &amp;key:</source>
        <translation>앱키(&amp;K):</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/credentials_dialog.py" line="90"/>
        <source>App &amp;secret:</source>
        <translation>앱시크릿(&amp;S):</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/credentials_dialog.py" line="92"/>
        <source>&amp;Account:</source>
        <translation>계좌번호(&amp;A):</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/credentials_dialog.py" line="94"/>
        <source>Customer &amp;type:</source>
        <translation>고객 구분(&amp;T):</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/credentials_dialog.py" line="98"/>
        <source>%1 uses its own app key, app secret and account. They are kept in the OS keychain, never in settings files or logs.</source>
        <translation>%1은(는) 별도의 앱키, 앱시크릿, 계좌를 사용합니다. 이 정보는 OS 키체인에만 보관되며 설정 파일이나 로그에는 절대 기록되지 않습니다.</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/credentials_dialog.py" line="106"/>
        <source>Save to &amp;keychain</source>
        <translation>키체인에 저장(&amp;K)</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/credentials_dialog.py" line="108"/>
        <source>Use for this &amp;session only</source>
        <translation>이번 실행에만 사용(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/credentials_dialog.py" line="139"/>
        <source>Use the form 12345678-01: 8 digits, a dash, 2 digits.</source>
        <translation>12345678-01 형식으로 입력하세요: 숫자 8자리, 대시, 숫자 2자리.</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/credentials_dialog.py" line="200"/>
        <source>Required: %1 characters.</source>
        <translation>필수 항목: %1자.</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/credentials_dialog.py" line="202"/>
        <source>Only letters, digits and symbols: no spaces or Korean characters.</source>
        <translation>영문, 숫자, 기호만 입력하세요: 공백이나 한글은 안 됩니다.</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/credentials_dialog.py" line="205"/>
        <source>%1 characters entered; it must be exactly %2.</source>
        <translation>%1자를 입력했습니다. 정확히 %2자여야 합니다.</translation>
    </message>
</context>
<context>
    <name>EnvBanner</name>
    <message>
        <location filename="../../kisdesk/ui/env_banner.py" line="75"/>
        <source>real money</source>
        <translation>실제 자금으로 거래</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/env_banner.py" line="76"/>
        <source>paper trading, no real money</source>
        <translation>모의투자, 실제 자금 아님</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/env_banner.py" line="77"/>
        <source>built-in simulator</source>
        <translation>내장 시뮬레이터</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/env_banner.py" line="82"/>
        <source>Account %1</source>
        <translation>계좌 %1</translation>
    </message>
</context>
<context>
    <name>EnvToggle</name>
    <message>
        <location filename="../../kisdesk/ui/env_toggle.py" line="74"/>
        <source>Built-in simulator: no account, no real money</source>
        <translation>내장 시뮬레이터: 계좌도 실제 자금도 쓰지 않습니다</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/env_toggle.py" line="75"/>
        <source>KIS paper trading (모의투자): its own keys and account, no real money</source>
        <translation>KIS 모의투자: 별도의 키와 계좌, 실제 자금 아님</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/env_toggle.py" line="76"/>
        <source>KIS real trading: orders use real money (asks for confirmation)</source>
        <translation>KIS 실전투자: 실제 자금으로 주문합니다(전환 전 확인)</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/env_toggle.py" line="93"/>
        <source>Switch to 실전 REAL?</source>
        <translation>실전 REAL로 전환할까요?</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/env_toggle.py" line="94"/>
        <source>Orders in 실전 REAL use real money on account %1.</source>
        <translation>실전 REAL의 주문은 계좌 %1의 실제 자금으로 체결됩니다.</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/env_toggle.py" line="97"/>
        <source>Pending orders of the current environment are no longer shown.</source>
        <translation>현재 환경의 미체결 주문은 더 이상 표시되지 않습니다.</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/env_toggle.py" line="99"/>
        <source>Switch to 실전 REAL</source>
        <translation>실전 REAL로 전환</translation>
    </message>
</context>
<context>
    <name>HistoryPanel</name>
    <message>
        <location filename="../../kisdesk/ui/history_panel.py" line="74"/>
        <source>This environment ({0})</source>
        <translation>현재 환경 ({0})</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/history_panel.py" line="75"/>
        <source>All environments</source>
        <translation>모든 환경</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/history_panel.py" line="76"/>
        <source>Refresh</source>
        <translation>새로고침</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/history_panel.py" line="77"/>
        <source>Export CSV…</source>
        <translation>CSV 내보내기…</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/history_panel.py" line="78"/>
        <source>Save the whole journal (every environment) as a CSV file</source>
        <translation>전체 주문 기록(모든 환경)을 CSV 파일로 저장</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/history_panel.py" line="88"/>
        <source>Time</source>
        <translation>시각</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/history_panel.py" line="89"/>
        <source>Env</source>
        <translation>환경</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/history_panel.py" line="90"/>
        <source>Venue</source>
        <translation>거래소</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/history_panel.py" line="91"/>
        <source>Symbol</source>
        <translation>종목</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/history_panel.py" line="92"/>
        <source>Action</source>
        <translation>구분</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/history_panel.py" line="93"/>
        <source>Side</source>
        <translation>매매</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/history_panel.py" line="94"/>
        <source>Qty</source>
        <translation>수량</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/history_panel.py" line="95"/>
        <source>Price</source>
        <translation>가격</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/history_panel.py" line="96"/>
        <source>State</source>
        <translation>상태</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/history_panel.py" line="97"/>
        <source>Order no.</source>
        <translation>주문번호</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/history_panel.py" line="98"/>
        <source>Message</source>
        <translation>메시지</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/history_panel.py" line="129"/>
        <source>Could not read the order journal: {0}</source>
        <translation>주문 기록을 읽지 못했습니다: {0}</translation>
    </message>
    <message numerus="yes">
        <location filename="../../kisdesk/ui/history_panel.py" line="159"/>
        <source>%n intent(s)</source>
        <translation>
            <numerusform>%n건</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/history_panel.py" line="165"/>
        <source>Export order history</source>
        <translation>주문 기록 내보내기</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/history_panel.py" line="168"/>
        <source>CSV files (*.csv)</source>
        <translation>CSV 파일 (*.csv)</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/history_panel.py" line="187"/>
        <source>Export failed: {0}</source>
        <translation>내보내기 실패: {0}</translation>
    </message>
    <message numerus="yes">
        <location filename="../../kisdesk/ui/history_panel.py" line="191"/>
        <source>Exported %n order(s) to {0}</source>
        <translation>
            <numerusform>{0}에 %n건을 내보냈습니다</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>IntentsPanel</name>
    <message>
        <location filename="../../kisdesk/ui/intents_panel.py" line="173"/>
        <source>Time</source>
        <translation>시각</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/intents_panel.py" line="174"/>
        <source>Action</source>
        <translation>구분</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/intents_panel.py" line="175"/>
        <source>Symbol</source>
        <translation>종목</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/intents_panel.py" line="176"/>
        <source>Side</source>
        <translation>매매</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/intents_panel.py" line="177"/>
        <source>Qty</source>
        <translation>수량</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/intents_panel.py" line="178"/>
        <source>Price</source>
        <translation>가격</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/intents_panel.py" line="179"/>
        <source>State</source>
        <translation>상태</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/intents_panel.py" line="180"/>
        <source>Order no.</source>
        <translation>주문번호</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/intents_panel.py" line="182"/>
        <source>What you can do</source>
        <translation>할 수 있는 조치</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/intents_panel.py" line="231"/>
        <source>Could not record the choice: {0}</source>
        <translation>선택을 기록하지 못했습니다: {0}</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/intents_panel.py" line="244"/>
        <source>Send again as a new order?</source>
        <translation>새 주문으로 다시 보내시겠습니까?</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/intents_panel.py" line="247"/>
        <source>KIS has no order matching {side} {symbol} {quantity} @ {price}: it was not placed.
Send it again now, as a new order?</source>
        <translation>KIS에 {side} {symbol} {quantity} @ {price}와 일치하는 주문이 없습니다: 주문되지 않았습니다.
지금 새 주문으로 다시 보내시겠습니까?</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/intents_panel.py" line="251"/>
        <source>Send as a new order</source>
        <translation>새 주문으로 보내기</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/intents_panel.py" line="271"/>
        <location filename="../../kisdesk/ui/intents_panel.py" line="274"/>
        <source>Not sent again: {0}</source>
        <translation>다시 보내지 않았습니다: {0}</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/intents_panel.py" line="315"/>
        <source>for {0}</source>
        <translation>{0} 대상</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/intents_panel.py" line="356"/>
        <source>Choose…</source>
        <translation>선택…</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/intents_panel.py" line="359"/>
        <source>Send again…</source>
        <translation>다시 보내기…</translation>
    </message>
    <message numerus="yes">
        <location filename="../../kisdesk/ui/intents_panel.py" line="370"/>
        <source>%n order(s) being checked with KIS — do not resend.</source>
        <translation>
            <numerusform>%n건을 KIS에 확인 중 — 다시 보내지 마십시오.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../kisdesk/ui/intents_panel.py" line="372"/>
        <source>%n order(s) need your choice.</source>
        <translation>
            <numerusform>%n건은 선택이 필요합니다.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../kisdesk/ui/main_window.py" line="765"/>
        <source>Requests are still in flight. Close again to quit anyway.</source>
        <translation>처리 중인 요청이 있습니다. 그래도 종료하려면 다시 닫으세요.</translation>
    </message>
</context>
<context>
    <name>SessionView</name>
    <message>
        <location filename="../../kisdesk/ui/session_widgets.py" line="379"/>
        <source>Checking the order journal with KIS before new orders…</source>
        <translation>새 주문 전에 주문 기록을 KIS와 대조하는 중…</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/session_widgets.py" line="397"/>
        <location filename="../../kisdesk/ui/session_widgets.py" line="741"/>
        <source>&amp;Pending orders</source>
        <translation>미체결(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/session_widgets.py" line="398"/>
        <location filename="../../kisdesk/ui/session_widgets.py" line="742"/>
        <source>&amp;Reservations</source>
        <translation>예약주문(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/session_widgets.py" line="400"/>
        <location filename="../../kisdesk/ui/session_widgets.py" line="743"/>
        <source>&amp;History</source>
        <translation>주문 기록(&amp;H)</translation>
    </message>
    <message numerus="yes">
        <location filename="../../kisdesk/ui/session_widgets.py" line="415"/>
        <source>%n order(s) unresolved — see Order activity</source>
        <translation>
            <numerusform>미해결 주문 %n건 — 주문 현황 참조</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/session_widgets.py" line="417"/>
        <source>Order &amp;activity</source>
        <translation>주문 현황(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/session_widgets.py" line="445"/>
        <source>Orders are blocked: the order journal could not be checked ({0}). Press F5 to retry.</source>
        <translation>주문이 막혔습니다: 주문 기록을 확인하지 못했습니다 ({0}). F5로 다시 시도하십시오.</translation>
    </message>
    <message numerus="yes">
        <location filename="../../kisdesk/ui/session_widgets.py" line="753"/>
        <source>%n order(s) are still being checked with KIS (see Order activity). Close again to quit anyway; they are checked again at the next start.</source>
        <translation>
            <numerusform>%n건의 주문을 아직 KIS에 확인 중입니다(주문 현황 참조). 그래도 종료하려면 다시 닫으십시오. 다음 시작 때 다시 확인합니다.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../kisdesk/ui/session_widgets.py" line="1013"/>
        <source>%n demo order(s) are still being checked (see Order activity). Close again to quit anyway; DEMO forgets them when it closes.</source>
        <translation>
            <numerusform>%n건의 데모 주문을 아직 확인 중입니다(주문 현황 참조). 그래도 종료하려면 다시 닫으십시오. DEMO는 종료하면 이 주문들을 기억하지 않습니다.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>EnvSwitcher</name>
    <message>
        <location filename="../../kisdesk/ui/env_switch.py" line="218"/>
        <source>Wait for the current environment switch to finish.</source>
        <translation>진행 중인 환경 전환이 끝날 때까지 기다려 주세요.</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/env_switch.py" line="222"/>
        <source>Wait for %1 request(s) in flight to finish, then switch.</source>
        <translation>처리 중인 요청 %1건이 끝난 뒤 전환하세요.</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/env_switch.py" line="321"/>
        <source>Switched to %1.</source>
        <translation>%1(으)로 전환했습니다.</translation>
    </message>
</context>
<context>
    <name>WindowMenus</name>
    <message>
        <location filename="../../kisdesk/ui/menus.py" line="629"/>
        <source>&amp;File</source>
        <translation>파일(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/menus.py" line="630"/>
        <source>&amp;Orders</source>
        <translation>주문(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/menus.py" line="631"/>
        <source>&amp;View</source>
        <translation>보기(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/menus.py" line="632"/>
        <source>&amp;Language</source>
        <translation>언어(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/menus.py" line="633"/>
        <source>&amp;Environment</source>
        <translation>환경(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/menus.py" line="634"/>
        <source>&amp;Help</source>
        <translation>도움말(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/menus.py" line="636"/>
        <source>&amp;Credentials for this environment…</source>
        <translation>이 환경의 인증 정보(&amp;C)…</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/menus.py" line="637"/>
        <source>&amp;Quit</source>
        <translation>종료(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/menus.py" line="638"/>
        <source>&amp;Buy side</source>
        <translation>매수(&amp;B)</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/menus.py" line="639"/>
        <source>&amp;Sell side</source>
        <translation>매도(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/menus.py" line="640"/>
        <source>Su&amp;bmit order</source>
        <translation>주문 전송(&amp;B)</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/menus.py" line="641"/>
        <source>&amp;Refresh pending orders</source>
        <translation>미체결 새로 고침(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/menus.py" line="642"/>
        <source>Re&amp;vise selected order…</source>
        <translation>선택 주문 정정(&amp;V)…</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/menus.py" line="643"/>
        <source>&amp;Cancel selected order…</source>
        <translation>선택 주문 취소(&amp;C)…</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/menus.py" line="644"/>
        <source>Order &amp;ticket</source>
        <translation>주문창(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/menus.py" line="645"/>
        <source>&amp;Pending orders tab</source>
        <translation>미체결 탭(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/menus.py" line="646"/>
        <source>&amp;Reservations tab</source>
        <translation>예약주문 탭(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/menus.py" line="647"/>
        <source>Order &amp;activity tab</source>
        <translation>주문 현황 탭(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/menus.py" line="648"/>
        <source>&amp;History tab</source>
        <translation>주문 기록 탭(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/menus.py" line="649"/>
        <source>&amp;Confirm orders before sending</source>
        <translation>전송 전 주문 확인(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/menus.py" line="650"/>
        <source>&amp;Order precautions…</source>
        <translation>주문 착오방지 설정(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/menus.py" line="653"/>
        <source>&amp;Demo (built-in simulator)</source>
        <translation>데모 - 내장 시뮬레이터(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/menus.py" line="654"/>
        <source>&amp;Paper trading</source>
        <translation>모의투자(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/menus.py" line="655"/>
        <source>&amp;Real trading…</source>
        <translation>실전투자(&amp;R)…</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/menus.py" line="656"/>
        <source>&amp;Keyboard shortcuts</source>
        <translation>단축키(&amp;K)</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/menus.py" line="657"/>
        <source>&amp;About kisdesk</source>
        <translation>kisdesk 정보(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/menus.py" line="685"/>
        <source>Cancel the selected orders (in the grid)</source>
        <translation>선택한 주문 취소(목록에서)</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/menus.py" line="686"/>
        <source>Revise the selected order (in the grid)</source>
        <translation>선택한 주문 정정(목록에서)</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/menus.py" line="686"/>
        <source>Enter or double-click</source>
        <translation>Enter 또는 더블클릭</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/menus.py" line="687"/>
        <source>Submit from the ticket</source>
        <translation>주문창에서 전송</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/menus.py" line="687"/>
        <source>Enter in a ticket field</source>
        <translation>주문창 입력란에서 Enter</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/menus.py" line="688"/>
        <source>Close a dialog without acting</source>
        <translation>아무것도 하지 않고 대화상자 닫기</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/menus.py" line="694"/>
        <source>Keyboard shortcuts</source>
        <translation>단축키</translation>
    </message>
</context>
<context>
    <name>NewReservationForm</name>
    <message>
        <location filename="../../kisdesk/ui/reservation_dialogs.py" line="224"/>
        <source>New reservation</source>
        <translation>새 예약주문</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservation_dialogs.py" line="232"/>
        <source>6-digit code, e.g. 005930</source>
        <translation>6자리 종목코드, 예: 005930</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservation_dialogs.py" line="233"/>
        <source>Buy</source>
        <translation>매수</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservation_dialogs.py" line="233"/>
        <source>Sell</source>
        <translation>매도</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservation_dialogs.py" line="259"/>
        <source>Symbol</source>
        <translation>종목</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservation_dialogs.py" line="260"/>
        <source>Side</source>
        <translation>매매구분</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservation_dialogs.py" line="261"/>
        <source>Type</source>
        <translation>주문유형</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservation_dialogs.py" line="262"/>
        <source>Quantity</source>
        <translation>수량</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservation_dialogs.py" line="263"/>
        <source>Price</source>
        <translation>가격</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservation_dialogs.py" line="264"/>
        <source>Period</source>
        <translation>기간</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservation_dialogs.py" line="324"/>
        <source>Reserve buy</source>
        <translation>매수 예약</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservation_dialogs.py" line="324"/>
        <source>Reserve sell</source>
        <translation>매도 예약</translation>
    </message>
</context>
<context>
    <name>OrderConfirmDialog</name>
    <message>
        <location filename="../../kisdesk/ui/confirm_dialog.py" line="66"/>
        <source>Confirm order</source>
        <translation>주문 확인</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/confirm_dialog.py" line="76"/>
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/confirm_dialog.py" line="110"/>
        <source>Side</source>
        <translation>매매구분</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/confirm_dialog.py" line="111"/>
        <source>Symbol</source>
        <translation>종목</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/confirm_dialog.py" line="112"/>
        <source>Venue</source>
        <translation>거래소</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/confirm_dialog.py" line="113"/>
        <source>Quantity</source>
        <translation>수량</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/confirm_dialog.py" line="114"/>
        <source>Order type</source>
        <translation>주문유형</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/confirm_dialog.py" line="115"/>
        <source>Price</source>
        <translation>단가</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/confirm_dialog.py" line="116"/>
        <source>Notional</source>
        <translation>주문금액</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/confirm_dialog.py" line="136"/>
        <source>실전 REAL — this order uses real money</source>
        <translation>실전 REAL — 이 주문은 실제 자금을 사용합니다</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/confirm_dialog.py" line="138"/>
        <source>모의 PAPER — paper trading</source>
        <translation>모의 PAPER — 모의투자</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/confirm_dialog.py" line="139"/>
        <source>DEMO — built-in simulator</source>
        <translation>데모 DEMO — 내장 시뮬레이터</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/confirm_dialog.py" line="149"/>
        <source>{side} {qty} {symbol} on {venue}</source>
        <translation>{venue} {symbol} {qty}주 {side}</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/confirm_dialog.py" line="159"/>
        <source>market (sent as 0)</source>
        <translation>시장가 (0으로 전송)</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/confirm_dialog.py" line="164"/>
        <source>until the regular close</source>
        <translation>정규장 마감까지</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/confirm_dialog.py" line="168"/>
        <source>{start}–{end} KST</source>
        <translation>{start}–{end} (한국시간)</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/confirm_dialog.py" line="169"/>
        <source>{price}, window {window}</source>
        <translation>{price}, 시간대 {window}</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/confirm_dialog.py" line="175"/>
        <source>unknown (no price yet)</source>
        <translation>알 수 없음 (가격 없음)</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/confirm_dialog.py" line="178"/>
        <source>≈ {amount} at the last price</source>
        <translation>현재가 기준 약 {amount}</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/confirm_dialog.py" line="184"/>
        <source>Send buy order: {qty} {symbol}</source>
        <translation>매수 주문 전송: {symbol} {qty}주</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/confirm_dialog.py" line="185"/>
        <source>Send sell order: {qty} {symbol}</source>
        <translation>매도 주문 전송: {symbol} {qty}주</translation>
    </message>
</context>
<context>
    <name>OrderTicketWidget</name>
    <message>
        <location filename="../../kisdesk/ui/order_ticket.py" line="252"/>
        <location filename="../../kisdesk/ui/order_ticket.py" line="287"/>
        <source>Not sent: fix the marked fields.</source>
        <translation>전송 안 됨: 표시된 항목을 고치세요.</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/order_ticket.py" line="254"/>
        <source>Checking precautions…</source>
        <translation>착오방지 점검 중…</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/order_ticket.py" line="263"/>
        <location filename="../../kisdesk/ui/order_ticket.py" line="273"/>
        <source>Cancelled; nothing was sent.</source>
        <translation>취소했습니다. 아무것도 전송하지 않았습니다.</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/order_ticket.py" line="270"/>
        <source>Not sent: a precaution blocks this order.</source>
        <translation>전송 안 함: 착오방지 한도에 걸려 주문이 차단되었습니다.</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/order_ticket.py" line="278"/>
        <source>Sending…</source>
        <translation>전송 중…</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/order_ticket.py" line="291"/>
        <source>Not sent: the order journal is still being checked with KIS.</source>
        <translation>전송 안 됨: 주문 기록을 아직 KIS와 대조하는 중입니다.</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/order_ticket.py" line="301"/>
        <source>Order placed: No. {order_no}</source>
        <translation>주문 접수: 주문번호 {order_no}</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/order_ticket.py" line="337"/>
        <source>e.g. AAPL</source>
        <translation>예: AAPL</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/order_ticket.py" line="339"/>
        <source>&amp;Buy</source>
        <translation>매수(&amp;B)</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/order_ticket.py" line="340"/>
        <source>&amp;Sell</source>
        <translation>매도(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/order_ticket.py" line="365"/>
        <source>Algorithm window (TWAP/VWAP)</source>
        <translation>알고리즘 시간대 (TWAP/VWAP)</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/order_ticket.py" line="367"/>
        <source>Explicit start and end (KST)</source>
        <translation>시작·종료 시각 지정 (한국시간)</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/order_ticket.py" line="368"/>
        <source>Until the regular close</source>
        <translation>정규장 마감까지</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/order_ticket.py" line="392"/>
        <source>실전 REAL</source>
        <translation>실전 REAL</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/order_ticket.py" line="392"/>
        <source>모의 PAPER</source>
        <translation>모의 PAPER</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/order_ticket.py" line="392"/>
        <source>DEMO</source>
        <translation>데모</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/order_ticket.py" line="420"/>
        <source>Place buy order</source>
        <translation>매수 주문</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/order_ticket.py" line="420"/>
        <source>Place sell order</source>
        <translation>매도 주문</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/order_ticket.py" line="433"/>
        <source>market (sent as 0)</source>
        <translation>시장가 (0으로 전송)</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/ticket_market.py" line="117"/>
        <source>Buying power is shown for buy orders</source>
        <translation>매수가능금액은 매수 주문에서 표시됩니다</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/ticket_market.py" line="132"/>
        <source>Loading quote…</source>
        <translation>시세 조회 중…</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/ticket_fields.py" line="107"/>
        <source>Check</source>
        <translation>주의</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/ticket_fields.py" line="108"/>
        <source>Confirm by typing</source>
        <translation>입력 확인 필요</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/ticket_fields.py" line="109"/>
        <source>Blocked</source>
        <translation>차단</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/ticket_fields.py" line="177"/>
        <source>Last {last} {currency} ({rate}%)</source>
        <translation>현재가 {last} {currency} ({rate}%)</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/ticket_fields.py" line="185"/>
        <source>Orderable {amount} {currency} · max {qty} shares</source>
        <translation>주문가능 {amount} {currency} · 최대 {qty}주</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/ticket_fields.py" line="173"/>
        <source>Unknown symbol on this venue</source>
        <translation>이 거래소에 없는 종목입니다</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/ticket_layout.py" line="44"/>
        <source>&amp;Algorithm timing</source>
        <translation>알고리즘 시간(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/ticket_layout.py" line="52"/>
        <source>&amp;End</source>
        <translation>종료(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/ticket_layout.py" line="73"/>
        <source>&amp;Order type</source>
        <translation>주문유형(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/ticket_layout.py" line="77"/>
        <source>&amp;Price</source>
        <translation>단가(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/ticket_layout.py" line="75"/>
        <source>&amp;Quantity</source>
        <translation>수량(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/ticket_layout.py" line="63"/>
        <source>&amp;Venue</source>
        <translation>거래소(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/ticket_layout.py" line="36"/>
        <source>KST</source>
        <translation>한국시간</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/ticket_layout.py" line="47"/>
        <source>S&amp;tart</source>
        <translation>시작(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/ticket_layout.py" line="65"/>
        <source>S&amp;ymbol</source>
        <translation>종목(&amp;Y)</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/ticket_layout.py" line="72"/>
        <source>Side</source>
        <translation>매매구분</translation>
    </message>
</context>
<context>
    <name>PendingOrdersModel</name>
    <message>
        <location filename="../../kisdesk/ui/pending_table.py" line="135"/>
        <source>Market</source>
        <translation>시장가</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/pending_table.py" line="136"/>
        <source>TWAP/VWAP</source>
        <translation>TWAP/VWAP</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/pending_table.py" line="193"/>
        <source>Time (KST)</source>
        <translation>시각 (한국시간)</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/pending_table.py" line="194"/>
        <source>Venue</source>
        <translation>거래소</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/pending_table.py" line="195"/>
        <source>Symbol</source>
        <translation>종목</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/pending_table.py" line="196"/>
        <source>Name</source>
        <translation>종목명</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/pending_table.py" line="197"/>
        <source>Side</source>
        <translation>매매구분</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/pending_table.py" line="198"/>
        <source>Type</source>
        <translation>주문유형</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/pending_table.py" line="199"/>
        <source>Qty</source>
        <translation>수량</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/pending_table.py" line="200"/>
        <source>Filled</source>
        <translation>체결</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/pending_table.py" line="201"/>
        <source>Unfilled</source>
        <translation>미체결</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/pending_table.py" line="202"/>
        <source>Price</source>
        <translation>단가</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/pending_table.py" line="203"/>
        <source>Status</source>
        <translation>상태</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/pending_table.py" line="204"/>
        <source>Order no.</source>
        <translation>주문번호</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/pending_table.py" line="235"/>
        <source>Revise of order {0}</source>
        <translation>주문 {0}의 정정</translation>
    </message>
</context>
<context>
    <name>PendingOrdersPanel</name>
    <message>
        <location filename="../../kisdesk/ui/pending_panel.py" line="136"/>
        <source>All venues</source>
        <translation>전체 거래소</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/pending_panel.py" line="143"/>
        <source>Buy and sell</source>
        <translation>매수·매도</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/pending_panel.py" line="147"/>
        <source>Filter: symbol, name or order no.</source>
        <translation>필터: 종목, 종목명, 주문번호</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/pending_panel.py" line="149"/>
        <source>Refresh</source>
        <translation>새로 고침</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/pending_panel.py" line="166"/>
        <source>Revise…</source>
        <translation>정정…</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/pending_panel.py" line="167"/>
        <source>Cancel selected</source>
        <translation>선택 취소</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/pending_panel.py" line="168"/>
        <source>Cancel all shown</source>
        <translation>표시된 주문 모두 취소</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/pending_panel.py" line="207"/>
        <source>Refresh pending orders</source>
        <translation>미체결 새로 고침</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/pending_panel.py" line="209"/>
        <source>Revise order…</source>
        <translation>주문 정정…</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/pending_panel.py" line="211"/>
        <source>Cancel selected orders</source>
        <translation>선택 주문 취소</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/pending_panel.py" line="274"/>
        <source>Refresh failed: {0}</source>
        <translation>새로 고침 실패: {0}</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/pending_panel.py" line="302"/>
        <location filename="../../kisdesk/ui/pending_panel.py" line="437"/>
        <source>This order cannot be revised</source>
        <translation>이 주문은 정정할 수 없습니다</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/pending_panel.py" line="311"/>
        <source>Order {0} is no longer open</source>
        <translation>주문 {0}은(는) 더 이상 미체결이 아닙니다</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/pending_panel.py" line="317"/>
        <source>Revise of {0} failed: {1}</source>
        <translation>{0} 정정 실패: {1}</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/pending_panel.py" line="323"/>
        <source>Revise of {0} accepted: new order no. {1}</source>
        <translation>{0} 정정 접수: 새 주문번호 {1}</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/pending_panel.py" line="345"/>
        <source>No order to cancel</source>
        <translation>취소할 주문이 없습니다</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/pending_panel.py" line="349"/>
        <source>Nothing was cancelled</source>
        <translation>취소된 주문이 없습니다</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/pending_panel.py" line="359"/>
        <source>Cancelling %v of %m</source>
        <translation>%m건 중 %v건 취소 중</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/pending_panel.py" line="405"/>
        <source>Wait for the order action in progress</source>
        <translation>진행 중인 주문 처리를 기다리세요</translation>
    </message>
    <message numerus="yes">
        <location filename="../../kisdesk/ui/pending_panel.py" line="414"/>
        <source>Cancel %n selected order(s) (Delete)</source>
        <translation>
            <numerusform>선택한 주문 %n건 취소 (Delete)</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/pending_panel.py" line="416"/>
        <source>Select open orders to cancel</source>
        <translation>취소할 미체결 주문을 선택하세요</translation>
    </message>
    <message numerus="yes">
        <location filename="../../kisdesk/ui/pending_panel.py" line="423"/>
        <source>Cancel the %n order(s) the filter shows</source>
        <translation>
            <numerusform>필터에 표시된 주문 %n건 취소</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/pending_panel.py" line="427"/>
        <source>{0} shown of {1} · updated {2}</source>
        <translation>{1}건 중 {0}건 표시 · {2} 갱신</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/pending_panel.py" line="432"/>
        <source>Select exactly one order to revise</source>
        <translation>정정할 주문을 하나만 선택하세요</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/pending_panel.py" line="435"/>
        <source>Revise the selected order (Enter or double-click)</source>
        <translation>선택 주문 정정 (Enter 또는 더블클릭)</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/pending_panel.py" line="453"/>
        <source>Unexpected error: {0}</source>
        <translation>예상치 못한 오류: {0}</translation>
    </message>
</context>
<context>
    <name>PrecautionsDialog</name>
    <message>
        <location filename="../../kisdesk/ui/precautions_dialog.py" line="161"/>
        <source>Order precautions</source>
        <translation>주문 착오방지 설정</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/precautions_dialog.py" line="162"/>
        <source>Off</source>
        <translation>끔</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/precautions_dialog.py" line="176"/>
        <source>Restore defaults</source>
        <translation>기본값 복원</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/precautions_dialog.py" line="177"/>
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/precautions_dialog.py" line="178"/>
        <source>Save</source>
        <translation>저장</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/precautions_dialog.py" line="206"/>
        <source>Warn</source>
        <translation>경고</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/precautions_dialog.py" line="206"/>
        <source>Confirm by typing</source>
        <translation>입력 확인</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/precautions_dialog.py" line="206"/>
        <source>Block</source>
        <translation>차단</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/precautions_dialog.py" line="209"/>
        <source>Order value (KRW, converted)</source>
        <translation>주문 금액 (원화 환산)</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/precautions_dialog.py" line="210"/>
        <source>Price away from the last price</source>
        <translation>현재가 대비 가격 괴리</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/precautions_dialog.py" line="213"/>
        <source>All venues</source>
        <translation>전체 거래소</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/precautions_dialog.py" line="216"/>
        <source>Market</source>
        <translation>시장</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/precautions_dialog.py" line="219"/>
        <source>Quantity (shares)</source>
        <translation>수량 (주)</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/precautions_dialog.py" line="220"/>
        <source>Ticks away from the last price</source>
        <translation>현재가 대비 호가 단위 수</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/precautions_dialog.py" line="223"/>
        <source>Per market</source>
        <translation>시장별</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/precautions_dialog.py" line="226"/>
        <source>Identical order again within</source>
        <translation>동일 주문을 다시 낼 때</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/precautions_dialog.py" line="228"/>
        <source>asks for typed confirmation</source>
        <translation>이내이면 입력 확인 요구</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/precautions_dialog.py" line="230"/>
        <source>Block limits cannot be switched off, only raised up to a fixed ceiling.</source>
        <translation>차단 한도는 끌 수 없으며, 정해진 상한까지 올릴 수만 있습니다.</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/precautions_dialog.py" line="293"/>
        <source>Each row must rise from warn to confirm to block, within its bounds.</source>
        <translation>각 행은 허용 범위 안에서 경고 ≤ 입력 확인 ≤ 차단 순이어야 합니다.</translation>
    </message>
</context>
<context>
    <name>ReservationModel</name>
    <message>
        <location filename="../../kisdesk/ui/reservation_model.py" line="208"/>
        <source>Seq.</source>
        <translation>예약번호</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservation_model.py" line="209"/>
        <source>Order date</source>
        <translation>주문일</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservation_model.py" line="210"/>
        <source>Symbol</source>
        <translation>종목</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservation_model.py" line="211"/>
        <source>Name</source>
        <translation>종목명</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservation_model.py" line="212"/>
        <source>Side</source>
        <translation>매매구분</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservation_model.py" line="213"/>
        <source>Type</source>
        <translation>주문유형</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservation_model.py" line="214"/>
        <source>Qty</source>
        <translation>수량</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservation_model.py" line="215"/>
        <source>Price</source>
        <translation>가격</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservation_model.py" line="216"/>
        <source>Filled</source>
        <translation>체결</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservation_model.py" line="217"/>
        <source>Status</source>
        <translation>상태</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservation_model.py" line="218"/>
        <source>Period end</source>
        <translation>기간 종료일</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservation_model.py" line="219"/>
        <source>Reject reason</source>
        <translation>거부 사유</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservation_model.py" line="248"/>
        <source>Pending</source>
        <translation>대기</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservation_model.py" line="249"/>
        <source>Processed</source>
        <translation>처리됨</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservation_model.py" line="250"/>
        <source>Rejected</source>
        <translation>거부됨</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservation_model.py" line="251"/>
        <source>Cancelled</source>
        <translation>취소됨</translation>
    </message>
</context>
<context>
    <name>ReservationsTab</name>
    <message>
        <location filename="../../kisdesk/ui/reservations_tab.py" line="135"/>
        <source>Include cancelled</source>
        <translation>취소 포함</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservations_tab.py" line="136"/>
        <source>Refresh</source>
        <translation>새로 고침</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservations_tab.py" line="149"/>
        <source>Revise…</source>
        <translation>정정…</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservations_tab.py" line="150"/>
        <source>Cancel reservation…</source>
        <translation>예약 취소…</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservations_tab.py" line="156"/>
        <source>From</source>
        <translation>시작</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservations_tab.py" line="158"/>
        <source>to</source>
        <translation>~</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservations_tab.py" line="198"/>
        <source>Reservations are accepted 15:40–07:30 KST (not 23:40–00:10) and sent on the next business day. Results are not notified: check them before 09:00.</source>
        <translation>예약주문은 한국시간 15:40–07:30에 접수되며(23:40–00:10 제외) 다음 영업일에 전송됩니다. 결과는 통보되지 않으니 09:00 전에 확인하세요.</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservations_tab.py" line="204"/>
        <source>KIS offers reservation orders only in real trading.</source>
        <translation>KIS 예약주문은 실전투자에서만 가능합니다.</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservations_tab.py" line="241"/>
        <source>Blackout 23:40–00:10 (KIS server initialisation): reservations are refused.</source>
        <translation>23:40–00:10 접수 불가 시간(KIS 서버 초기화): 예약주문이 거부됩니다.</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservations_tab.py" line="244"/>
        <source>Batch window (about 15:35–15:55): the list may be incomplete and reservations made now may be processed out of turn.</source>
        <translation>일괄 처리 시간(약 15:35–15:55): 목록이 불완전할 수 있고 지금 넣은 예약은 순서와 다르게 처리될 수 있습니다.</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservations_tab.py" line="248"/>
        <source>Outside the intake window: KIS accepts reservations from 15:40 KST.</source>
        <translation>접수 시간이 아닙니다: KIS는 한국시간 15:40부터 예약주문을 받습니다.</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservations_tab.py" line="258"/>
        <source>market</source>
        <translation>시장가</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservations_tab.py" line="260"/>
        <source>{side} {symbol}: {qty} shares at {price}, {type}.</source>
        <translation>{symbol} {side}: {qty}주, {price}, {type}.</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservations_tab.py" line="268"/>
        <source>Period reservation: sent each business day from {first} until {end}.</source>
        <translation>기간 예약: {first}부터 {end}까지 영업일마다 전송됩니다.</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservations_tab.py" line="271"/>
        <source>Sent once on {day}.</source>
        <translation>{day}에 한 번 전송됩니다.</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservations_tab.py" line="272"/>
        <source>KIS does not notify the result: check it before 09:00.</source>
        <translation>KIS는 결과를 통보하지 않습니다: 09:00 전에 확인하세요.</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservations_tab.py" line="277"/>
        <source>An identical pending reservation #{seq} already exists.</source>
        <translation>같은 대기 중 예약 #{seq}이(가) 이미 있습니다.</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservations_tab.py" line="297"/>
        <source>The start date is after the end date.</source>
        <translation>시작일이 종료일보다 늦습니다.</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservations_tab.py" line="299"/>
        <source>Loading…</source>
        <translation>불러오는 중…</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservations_tab.py" line="306"/>
        <source>Reservation list failed: {error}</source>
        <translation>예약 목록 조회 실패: {error}</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservations_tab.py" line="312"/>
        <source>{count} rows, updated {time}</source>
        <translation>{count}건, {time} 갱신</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservations_tab.py" line="332"/>
        <source>Not sent: correct the marked fields.</source>
        <translation>전송 안 됨: 표시된 항목을 고치세요.</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservations_tab.py" line="334"/>
        <source>Place reservation</source>
        <translation>예약주문 전송</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservations_tab.py" line="336"/>
        <source>Not sent.</source>
        <translation>전송하지 않았습니다.</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservations_tab.py" line="338"/>
        <location filename="../../kisdesk/ui/reservations_tab.py" line="401"/>
        <source>Sending…</source>
        <translation>전송 중…</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservations_tab.py" line="348"/>
        <source>Reservation #{seq} accepted; check its result before 09:00 on {day}.</source>
        <translation>예약 #{seq} 접수: {day} 09:00 전에 결과를 확인하세요.</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservations_tab.py" line="376"/>
        <source>Reservation #{seq} revised.</source>
        <translation>예약 #{seq}을(를) 정정했습니다.</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservations_tab.py" line="390"/>
        <source>Cancel reservation #{seq}: {symbol} {name}, {qty} shares?</source>
        <translation>예약 #{seq}을(를) 취소할까요: {symbol} {name}, {qty}주?</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservations_tab.py" line="393"/>
        <source>Cancel reservation</source>
        <translation>예약 취소</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservations_tab.py" line="394"/>
        <source>Reservation #{seq} cancelled.</source>
        <translation>예약 #{seq}을(를) 취소했습니다.</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservations_tab.py" line="418"/>
        <source>Outcome unknown, refresh before retrying: {error}</source>
        <translation>결과를 알 수 없습니다. 다시 시도하기 전에 새로 고치세요: {error}</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservations_tab.py" line="424"/>
        <source>Unexpected error: {error}</source>
        <translation>예상치 못한 오류: {error}</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservations_tab.py"/>
        <source>Checking earlier reservations with KIS…</source>
        <translation>이전 예약주문을 KIS와 대조하는 중…</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservations_tab.py"/>
        <source>KIS did not receive the earlier reservation. Send {symbol} {qty} shares again as a new reservation?</source>
        <translation>KIS가 이전 예약주문을 받지 않았습니다. {symbol} {qty}주를 새 예약주문으로 다시 보내시겠습니까?</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservations_tab.py"/>
        <source>KIS did not receive this change: reservation #{seq} is unchanged.</source>
        <translation>KIS가 이 변경을 받지 않았습니다: 예약주문 #{seq}은(는) 그대로입니다.</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservations_tab.py"/>
        <source>KIS did not receive this reservation. You may send it again.</source>
        <translation>KIS가 이 예약주문을 받지 않았습니다. 다시 보낼 수 있습니다.</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservations_tab.py"/>
        <source>New reservations are blocked: earlier ones could not be checked ({error}).</source>
        <translation>새 예약주문이 차단되었습니다: 이전 예약주문을 확인하지 못했습니다({error}).</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservations_tab.py"/>
        <source>Not sent: earlier reservations are still being checked with KIS.</source>
        <translation>전송 안 됨: 이전 예약주문을 아직 KIS와 대조하는 중입니다.</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservations_tab.py"/>
        <source>Not sent: {error}</source>
        <translation>전송 안 됨: {error}</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservations_tab.py"/>
        <source>Outcome unknown: checking with KIS — do not send again.</source>
        <translation>결과 불명: KIS와 대조하는 중 — 다시 보내지 마세요.</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservations_tab.py"/>
        <source>Rejected by KIS: {error}</source>
        <translation>KIS 거부: {error}</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservations_tab.py"/>
        <source>Send again</source>
        <translation>다시 보내기</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservations_tab.py"/>
        <source>Send again…</source>
        <translation>다시 보내기…</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservations_tab.py"/>
        <source>Several reservations match ({sequences}): check the list — do not send again.</source>
        <translation>여러 예약주문이 일치합니다({sequences}): 목록을 확인하세요 — 다시 보내지 마세요.</translation>
    </message>
</context>
<context>
    <name>ReviseDialog</name>
    <message>
        <location filename="../../kisdesk/ui/revise_dialog.py" line="62"/>
        <source>Revise order {0}</source>
        <translation>주문 {0} 정정</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/revise_dialog.py" line="70"/>
        <source>{open} open of {qty} at {price}</source>
        <translation>{qty}주 중 미체결 {open}주, {price}</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/revise_dialog.py" line="73"/>
        <source>market</source>
        <translation>시장가</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/revise_dialog.py" line="88"/>
        <source>Revise</source>
        <translation>정정</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/revise_dialog.py" line="96"/>
        <source>Symbol</source>
        <translation>종목</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/revise_dialog.py" line="97"/>
        <source>Side</source>
        <translation>매매구분</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/revise_dialog.py" line="98"/>
        <source>Venue</source>
        <translation>거래소</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/revise_dialog.py" line="99"/>
        <source>Order</source>
        <translation>주문</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/revise_dialog.py" line="100"/>
        <source>New quantity</source>
        <translation>정정 수량</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/revise_dialog.py" line="101"/>
        <source>New price</source>
        <translation>정정 단가</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/revise_dialog.py" line="124"/>
        <source>enter the new price as a number</source>
        <translation>정정 단가를 숫자로 입력하세요</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/revise_dialog.py" line="127"/>
        <source>change the quantity or the price</source>
        <translation>수량이나 단가를 바꾸세요</translation>
    </message>
</context>
<context>
    <name>ReviseReservationDialog</name>
    <message>
        <location filename="../../kisdesk/ui/reservation_dialogs.py" line="363"/>
        <source>Revise reservation</source>
        <translation>예약 정정</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservation_dialogs.py" line="377"/>
        <source>Reservation #{seq}: {side} {symbol} {name}</source>
        <translation>예약 #{seq}: {symbol} {name} {side}</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservation_dialogs.py" line="389"/>
        <source>Revise</source>
        <translation>정정</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservation_dialogs.py" line="393"/>
        <source>Quantity</source>
        <translation>수량</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservation_dialogs.py" line="394"/>
        <source>Type</source>
        <translation>주문유형</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservation_dialogs.py" line="395"/>
        <source>Price</source>
        <translation>가격</translation>
    </message>
</context>
<context>
    <name>StatusPanel</name>
    <message>
        <location filename="../../kisdesk/ui/status_panel.py" line="97"/>
        <source>Last error: %1</source>
        <translation>최근 오류: %1</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/status_panel.py" line="108"/>
        <source>Account %1</source>
        <translation>계좌 %1</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/status_panel.py" line="121"/>
        <source>connecting…</source>
        <translation>연결 중…</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/status_panel.py" line="122"/>
        <source>connected</source>
        <translation>연결됨</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/status_panel.py" line="123"/>
        <source>connection error</source>
        <translation>연결 오류</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/status_panel.py" line="133"/>
        <source>Token: not issued yet</source>
        <translation>토큰: 아직 발급 전</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/status_panel.py" line="136"/>
        <source>Token: expired</source>
        <translation>토큰: 만료됨</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/status_panel.py" line="138"/>
        <source>Token: %1h %2m left</source>
        <translation>토큰: %1시간 %2분 남음</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/status_panel.py" line="146"/>
        <source>Requests: %1/%2 per s</source>
        <translation>요청: 초당 %1/%2</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/status_panel.py" line="149"/>
        <source>, %1 queued</source>
        <translation>, 대기 %1건</translation>
    </message>
</context>
<context>
    <name>TermsFields</name>
    <message>
        <location filename="../../kisdesk/ui/reservation_dialogs.py" line="107"/>
        <source>the price is not a number</source>
        <translation>가격이 숫자가 아닙니다</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/reservation_dialogs.py" line="174"/>
        <source>Period reservation until</source>
        <translation>기간 예약 종료일</translation>
    </message>
</context>
<context>
    <name>TypedConfirmDialog</name>
    <message>
        <location filename="../../kisdesk/ui/precaution_dialog.py" line="55"/>
        <source>Unusual order: confirm by typing</source>
        <translation>이례적인 주문: 입력으로 확인</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/precaution_dialog.py" line="57"/>
        <source>{side} {qty} {symbol} on {venue}</source>
        <translation>{venue} {symbol} {qty}주 {side}</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/precaution_dialog.py" line="67"/>
        <source>Type the symbol {expected} to send this order anyway.</source>
        <translation>그래도 이 주문을 내려면 종목코드 {expected}을(를) 입력하세요.</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/precaution_dialog.py" line="69"/>
        <source>Type the quantity {expected} to send this order anyway.</source>
        <translation>그래도 이 주문을 내려면 수량 {expected}을(를) 입력하세요.</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/precaution_dialog.py" line="74"/>
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/precaution_dialog.py" line="75"/>
        <source>Continue to confirmation</source>
        <translation>주문 확인으로 계속</translation>
    </message>
</context>
<context>
    <name>labels</name>
    <message>
        <location filename="../../kisdesk/ui/labels.py" line="22"/>
        <source>Buy</source>
        <translation>매수</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/labels.py" line="105"/>
        <location filename="../../kisdesk/ui/labels.py" line="128"/>
        <source>Cancelled</source>
        <translation>취소됨</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/labels.py" line="82"/>
        <source>China/Vietnam orders can be cancelled, not revised</source>
        <translation>중국·베트남 주문은 취소만 가능하고 정정할 수 없습니다</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/labels.py" line="54"/>
        <source>Conditional limit</source>
        <translation>조건부지정가</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/labels.py" line="32"/>
        <source>DEMO</source>
        <translation>데모</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/labels.py" line="104"/>
        <location filename="../../kisdesk/ui/labels.py" line="125"/>
        <source>Filled</source>
        <translation>체결</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/labels.py" line="69"/>
        <source>Hanoi</source>
        <translation>하노이</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/labels.py" line="70"/>
        <source>Ho Chi Minh</source>
        <translation>호치민</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/labels.py" line="65"/>
        <source>Hong Kong</source>
        <translation>홍콩</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/labels.py" line="42"/>
        <source>LOC (limit on close)</source>
        <translation>장마감지정가(LOC)</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/labels.py" line="40"/>
        <source>LOO (limit on open)</source>
        <translation>장개시지정가(LOO)</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/labels.py" line="38"/>
        <location filename="../../kisdesk/ui/labels.py" line="52"/>
        <source>Limit</source>
        <translation>지정가</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/labels.py" line="41"/>
        <source>MOC (market on close)</source>
        <translation>장마감시장가(MOC)</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/labels.py" line="39"/>
        <source>MOO (market on open)</source>
        <translation>장개시시장가(MOO)</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/labels.py" line="78"/>
        <source>MOO/MOC: US sell only</source>
        <translation>MOO/MOC: 미국 매도만 가능</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/labels.py" line="53"/>
        <source>Market</source>
        <translation>시장가</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/labels.py" line="63"/>
        <source>NYSE</source>
        <translation>뉴욕</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/labels.py" line="64"/>
        <source>NYSE American (Amex)</source>
        <translation>아멕스</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/labels.py" line="62"/>
        <source>Nasdaq</source>
        <translation>나스닥</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/labels.py" line="45"/>
        <source>Odd-lot limit</source>
        <translation>단주지정가</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/labels.py" line="31"/>
        <source>PAPER</source>
        <translation>모의</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/labels.py" line="103"/>
        <location filename="../../kisdesk/ui/labels.py" line="124"/>
        <source>Partially filled</source>
        <translation>일부 체결</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/labels.py" line="55"/>
        <source>Pre-market off-hours</source>
        <translation>장전 시간외</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/labels.py" line="30"/>
        <source>REAL</source>
        <translation>실전</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/labels.py" line="106"/>
        <location filename="../../kisdesk/ui/labels.py" line="119"/>
        <source>Rejected</source>
        <translation>거부됨</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/labels.py" line="107"/>
        <location filename="../../kisdesk/ui/labels.py" line="129"/>
        <source>Revised</source>
        <translation>정정됨</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/labels.py" line="115"/>
        <source>Draft</source>
        <translation>작성 중</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/labels.py" line="116"/>
        <source>Confirmed</source>
        <translation>확인됨</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/labels.py" line="117"/>
        <source>Sending</source>
        <translation>전송 중</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/labels.py" line="118"/>
        <source>Accepted</source>
        <translation>접수됨</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/labels.py" line="120"/>
        <source>Not sent</source>
        <translation>전송 안 됨</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/labels.py" line="121"/>
        <source>Outcome unknown</source>
        <translation>결과 미확인</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/labels.py" line="122"/>
        <source>Not found at KIS</source>
        <translation>KIS에 없음</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/labels.py" line="123"/>
        <source>Ambiguous</source>
        <translation>판별 불가</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/labels.py" line="126"/>
        <source>Cancel pending</source>
        <translation>취소 대기</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/labels.py" line="127"/>
        <source>Revise pending</source>
        <translation>정정 대기</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/labels.py" line="136"/>
        <source>New order</source>
        <translation>신규 주문</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/labels.py" line="137"/>
        <source>Revise</source>
        <translation>정정</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/labels.py" line="138"/>
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/labels.py" line="24"/>
        <source>Sell</source>
        <translation>매도</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/labels.py" line="66"/>
        <source>Shanghai</source>
        <translation>상해</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/labels.py" line="67"/>
        <source>Shenzhen</source>
        <translation>심천</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/labels.py" line="43"/>
        <source>TWAP</source>
        <translation>시간가중평균(TWAP)</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/labels.py" line="85"/>
        <source>TWAP/VWAP orders cannot be revised</source>
        <translation>TWAP/VWAP 주문은 정정할 수 없습니다</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/labels.py" line="68"/>
        <source>Tokyo</source>
        <translation>동경</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/labels.py" line="79"/>
        <source>US only</source>
        <translation>미국만 가능</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/labels.py" line="44"/>
        <source>VWAP</source>
        <translation>거래량가중평균(VWAP)</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/labels.py" line="102"/>
        <source>Working</source>
        <translation>접수</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/labels.py" line="86"/>
        <source>cancelling TWAP/VWAP is allowed by the spec but unconfirmed</source>
        <translation>TWAP/VWAP 취소는 명세상 가능하지만 확인되지 않았습니다</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/labels.py" line="81"/>
        <source>not offered for this venue</source>
        <translation>이 거래소에서는 제공되지 않습니다</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/labels.py" line="92"/>
        <source>nothing left to revise or cancel</source>
        <translation>정정하거나 취소할 잔량이 없습니다</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/labels.py" line="80"/>
        <source>odd-lot: HK sell only</source>
        <translation>단주: 홍콩 매도만 가능</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/labels.py" line="89"/>
        <source>order type unknown: KIS may refuse a revise of a TWAP/VWAP order</source>
        <translation>주문유형 불명: TWAP/VWAP 주문이면 KIS가 정정을 거부할 수 있습니다</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/labels.py" line="77"/>
        <source>paper: limit only</source>
        <translation>모의투자: 지정가만 가능</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/labels.py" line="93"/>
        <source>paper: reservation orders are real-trading only</source>
        <translation>모의투자: 예약주문은 실전투자에서만 가능합니다</translation>
    </message>
</context>
<context>
    <name>messages</name>
    <message>
        <location filename="../../kisdesk/ui/messages.py" line="49"/>
        <source>An inquiry did not reach its last page; the list was not updated.</source>
        <translation>조회가 마지막 페이지까지 끝나지 않아 목록을 갱신하지 않았습니다.</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/messages.py" line="53"/>
        <source>KIS sent an answer kisdesk cannot read. If this was an order, it may have been placed: check open orders before sending it again.</source>
        <translation>KIS 응답을 읽을 수 없습니다. 주문이었다면 접수되었을 수 있으니 다시 보내기 전에 미체결을 확인하세요.</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/messages.py" line="63"/>
        <source>Not sent: the ticket is not valid.</source>
        <translation>전송 안 됨: 주문 내용이 올바르지 않습니다.</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/messages.py" line="64"/>
        <source>Not sent: {problems}</source>
        <translation>전송 안 됨: {problems}</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/messages.py" line="70"/>
        <source>KIS could not confirm the request [{code}] {text}. The order may have been placed: check open orders before sending it again.</source>
        <translation>KIS가 요청을 확인하지 못했습니다 [{code}] {text}. 주문이 접수되었을 수 있으니 다시 보내기 전에 미체결을 확인하세요.</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/messages.py" line="76"/>
        <source>KIS issues one access token per minute; try again in a minute. [{code}] {text}</source>
        <translation>KIS는 접근토큰을 1분에 한 번만 발급합니다. 1분 뒤 다시 시도하세요. [{code}] {text}</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/messages.py" line="80"/>
        <source>KIS refused the access token; nothing was sent. [{code}] {text}</source>
        <translation>KIS가 접근토큰을 거부했습니다. 아무것도 전송하지 않았습니다. [{code}] {text}</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/messages.py" line="84"/>
        <source>KIS is limiting requests; nothing was done, try again shortly. [{code}] {text}</source>
        <translation>KIS가 요청 수를 제한하고 있습니다. 처리된 것은 없으니 잠시 뒤 다시 시도하세요. [{code}] {text}</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/messages.py" line="88"/>
        <source>KIS rejected the request: [{code}] {text}</source>
        <translation>KIS가 요청을 거부했습니다: [{code}] {text}</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/messages.py" line="94"/>
        <source>Could not reach KIS; nothing was sent. Check the network and try again.</source>
        <translation>KIS에 연결하지 못했습니다. 아무것도 전송하지 않았습니다. 네트워크를 확인하고 다시 시도하세요.</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/messages.py" line="98"/>
        <source>No answer from KIS. The order may have been placed: check open orders before sending it again.</source>
        <translation>KIS 응답이 없습니다. 주문이 접수되었을 수 있으니 다시 보내기 전에 미체결을 확인하세요.</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/messages.py" line="102"/>
        <source>No usable answer from KIS.</source>
        <translation>KIS에서 쓸 수 있는 응답이 오지 않았습니다.</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/messages.py" line="107"/>
        <source>Not available in {env}: {reason}. Nothing was sent.</source>
        <translation>{env}에서는 사용할 수 없습니다: {reason}. 아무것도 전송하지 않았습니다.</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/messages.py" line="110"/>
        <source>Blocked: the request mixed two environments. Nothing was sent.</source>
        <translation>차단됨: 요청에 두 환경이 섞였습니다. 아무것도 전송하지 않았습니다.</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/messages.py" line="114"/>
        <source>KIS answered HTTP {status}. If this was an order, it may have been placed: check open orders before sending it again.</source>
        <translation>KIS가 HTTP {status}로 응답했습니다. 주문이었다면 접수되었을 수 있으니 다시 보내기 전에 미체결을 확인하세요.</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/messages.py" line="121"/>
        <source>Requests are still in flight; wait for them to finish.</source>
        <translation>처리 중인 요청이 있습니다. 끝날 때까지 기다리세요.</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/messages.py" line="125"/>
        <source>KIS request failed.</source>
        <translation>KIS 요청이 실패했습니다.</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/messages.py" line="126"/>
        <source>Unexpected error ({kind}); see the log.</source>
        <translation>예상치 못한 오류({kind})입니다. 로그를 확인하세요.</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/messages.py" line="136"/>
        <source>Sending…</source>
        <translation>전송 중…</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/messages.py" line="138"/>
        <source>Outcome unknown — checking with KIS. Do not send it again.</source>
        <translation>결과 미확인 — KIS에 확인 중입니다. 다시 보내지 마십시오.</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/messages.py" line="142"/>
        <source>Several KIS orders match: choose which one is yours in Order activity.</source>
        <translation>KIS 주문 여러 건이 일치합니다: 주문 현황에서 내 주문을 고르십시오.</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/messages.py" line="146"/>
        <source>KIS has no such order: it was not placed. It can be sent again from Order activity.</source>
        <translation>KIS에 해당 주문이 없습니다: 주문되지 않았습니다. 주문 현황에서 다시 보낼 수 있습니다.</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/messages.py" line="150"/>
        <source>KIS rejected it: {message}</source>
        <translation>KIS 거부: {message}</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/messages.py" line="153"/>
        <source>Not sent: {message}</source>
        <translation>전송 안 됨: {message}</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/messages.py" line="156"/>
        <source>Cancel of {target} accepted</source>
        <translation>{target} 취소 접수</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/messages.py" line="159"/>
        <source>Revise of {target} accepted: new order no. {order_no}</source>
        <translation>{target} 정정 접수: 새 주문번호 {order_no}</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/messages.py" line="162"/>
        <source>Placed #{order_no}</source>
        <translation>주문 접수 #{order_no}</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/messages.py" line="164"/>
        <source>#{order_no}: {state}</source>
        <translation>#{order_no}: {state}</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/messages.py" line="172"/>
        <source>Checking with KIS… nothing to do; do not resend.</source>
        <translation>KIS에 확인 중… 할 일 없음, 다시 보내지 마십시오.</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/messages.py" line="174"/>
        <source>Choose which order is yours.</source>
        <translation>내 주문을 고르십시오.</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/messages.py" line="177"/>
        <source>Not placed. Nothing to do.</source>
        <translation>주문되지 않음. 할 일 없음.</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/messages.py" line="178"/>
        <source>Not placed. You may send it again as a new order.</source>
        <translation>주문되지 않음. 새 주문으로 다시 보낼 수 있습니다.</translation>
    </message>
</context>
<context>
    <name>problems</name>
    <message>
        <location filename="../../kisdesk/ui/problem_text.py" line="30"/>
        <source>enter a symbol</source>
        <translation>종목코드를 입력하세요</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/problem_text.py" line="31"/>
        <source>enter a quantity</source>
        <translation>수량을 입력하세요</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/problem_text.py" line="32"/>
        <source>quantity must be at least 1 share</source>
        <translation>수량은 1주 이상이어야 합니다</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/problem_text.py" line="33"/>
        <source>quantity has more than 10 digits</source>
        <translation>수량이 10자리를 넘습니다</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/problem_text.py" line="34"/>
        <source>enter a price</source>
        <translation>가격을 입력하세요</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/problem_text.py" line="35"/>
        <source>price must be above 0</source>
        <translation>가격은 0보다 커야 합니다</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/problem_text.py" line="36"/>
        <source>{venue} prices at this level take at most {decimals} decimals</source>
        <translation>{venue}의 이 가격대는 소수점 {decimals}자리까지만 가능합니다</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/problem_text.py" line="39"/>
        <source>{price} is off the {tick} tick of {venue}; nearest valid prices are {below} and {above}</source>
        <translation>{price}은(는) {venue}의 호가 단위 {tick}에 맞지 않습니다. 가까운 유효 가격은 {below}, {above}입니다</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/problem_text.py" line="43"/>
        <source>an odd-lot order is for fewer than {lot} shares</source>
        <translation>단주 주문은 {lot}주 미만이어야 합니다</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/problem_text.py" line="46"/>
        <location filename="../../kisdesk/ui/problem_text.py" line="47"/>
        <source>the window must end after it starts</source>
        <translation>종료 시각이 시작 시각보다 늦어야 합니다</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/problem_text.py" line="48"/>
        <source>{venue} takes orders {windows} KST</source>
        <translation>{venue} 주문 가능 시간은 {windows} (한국 시간)입니다</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/problem_text.py" line="51"/>
        <source>the window must end by {cutoff} KST (5 min before close)</source>
        <translation>{cutoff}(한국 시간, 장 마감 5분 전)까지 끝나야 합니다</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/problem_text.py" line="54"/>
        <source>the start time has already passed</source>
        <translation>시작 시각이 이미 지났습니다</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/problem_text.py" line="55"/>
        <source>only TWAP/VWAP orders take an algorithm window</source>
        <translation>알고리즘 시간대는 TWAP/VWAP 주문에만 지정합니다</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/problem_text.py" line="58"/>
        <source>choose an explicit window or &apos;until the close&apos;</source>
        <translation>시간 지정 또는 &apos;장 마감까지&apos;를 선택하세요</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/problem_text.py" line="61"/>
        <source>&apos;until the close&apos; takes no start or end time</source>
        <translation>&apos;장 마감까지&apos;에는 시작·종료 시각을 지정하지 않습니다</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/problem_text.py" line="64"/>
        <source>enter the window&apos;s start time (KST)</source>
        <translation>시작 시각(한국 시간)을 입력하세요</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/problem_text.py" line="65"/>
        <source>enter the window&apos;s end time (KST)</source>
        <translation>종료 시각(한국 시간)을 입력하세요</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/problem_text.py" line="66"/>
        <source>a buy can only use the cash balance</source>
        <translation>매수는 현금 잔고로만 할 수 있습니다</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/problem_text.py" line="69"/>
        <source>the end date must be after today</source>
        <translation>종료일은 오늘 이후여야 합니다</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/problem_text.py" line="72"/>
        <source>the reservation is first sent on {date}</source>
        <translation>예약주문은 {date}에 처음 전송됩니다</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/problem_text.py" line="75"/>
        <source>the end date can be at most {date} (30 days)</source>
        <translation>종료일은 최대 {date}(30일)까지입니다</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/problem_text.py" line="78"/>
        <source>reservations are accepted 15:40–07:30 KST, except 23:40–00:10</source>
        <translation>예약주문은 15:40–07:30(한국 시간)에 접수합니다 (23:40–00:10 제외)</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/problem_text.py" line="86"/>
        <source>US tickers are letters (dots allowed), up to 12 characters, e.g. AAPL or BRK.B</source>
        <translation>미국 종목코드는 영문자(점 허용) 12자 이내입니다. 예: AAPL, BRK.B</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/problem_text.py" line="89"/>
        <source>HK codes are 5 digits, e.g. 00700</source>
        <translation>홍콩 종목코드는 숫자 5자리입니다. 예: 00700</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/problem_text.py" line="90"/>
        <source>Tokyo codes are 4 characters, e.g. 7203</source>
        <translation>도쿄 종목코드는 4자리입니다. 예: 7203</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/problem_text.py" line="91"/>
        <source>Shanghai codes are 6 digits, e.g. 600519</source>
        <translation>상해 종목코드는 숫자 6자리입니다. 예: 600519</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/problem_text.py" line="92"/>
        <source>Shenzhen codes are 6 digits, e.g. 000001</source>
        <translation>심천 종목코드는 숫자 6자리입니다. 예: 000001</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/problem_text.py" line="93"/>
        <source>Vietnam tickers are letters, e.g. VNM</source>
        <translation>베트남 종목코드는 영문자입니다. 예: VNM</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/problem_text.py" line="94"/>
        <source>KRX codes are 6 digits, e.g. 005930</source>
        <translation>국내 종목코드는 숫자 6자리입니다. 예: 005930</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/problem_text.py" line="101"/>
        <source>Mon</source>
        <translation>월</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/problem_text.py" line="102"/>
        <source>Tue</source>
        <translation>화</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/problem_text.py" line="103"/>
        <source>Wed</source>
        <translation>수</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/problem_text.py" line="104"/>
        <source>Thu</source>
        <translation>목</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/problem_text.py" line="105"/>
        <source>Fri</source>
        <translation>금</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/problem_text.py" line="106"/>
        <source>Sat</source>
        <translation>토</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/problem_text.py" line="107"/>
        <source>Sun</source>
        <translation>일</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/problem_text.py" line="113"/>
        <source>{symbol} is not a valid code: {hint}</source>
        <translation>{symbol}은(는) 올바른 종목코드가 아닙니다: {hint}</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/problem_text.py" line="119"/>
        <source>market and pre-market orders are sent with price 0; the price is ignored</source>
        <translation>시장가·장전 시간외 주문은 가격 0으로 전송되므로 입력한 가격은 무시됩니다</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/problem_text.py" line="122"/>
        <source>{order_type} orders are sent with price 0; the price is ignored</source>
        <translation>{order_type} 주문은 가격 0으로 전송되므로 입력한 가격은 무시됩니다</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/problem_text.py" line="130"/>
        <source>{venue} trades in lots of {lot} shares; sell the remainder as an odd-lot order</source>
        <translation>{venue}의 매매 단위는 {lot}주입니다. 나머지는 단주 주문으로 매도하세요</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/problem_text.py" line="134"/>
        <source>{venue} trades in lots of {lot} shares</source>
        <translation>{venue}의 매매 단위는 {lot}주입니다</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/problem_text.py" line="140"/>
        <source>{venue} is not accepting orders now</source>
        <translation>{venue}은(는) 지금 주문을 받지 않습니다</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/problem_text.py" line="142"/>
        <source>{venue} is not accepting orders now; next window opens {day} {time} KST</source>
        <translation>{venue}은(는) 지금 주문을 받지 않습니다. 다음 접수 시작: {day} {time} (한국 시간)</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/problem_text.py" line="162"/>
        <source>{order_type} not available: {reason}</source>
        <translation>{order_type} 불가: {reason}</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/problem_text.py" line="194"/>
        <source>quantity {quantity} reaches the {market} limit of {limit} shares</source>
        <translation>수량 {quantity}주가 {market} 한도 {limit}주에 도달했습니다</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/problem_text.py" line="197"/>
        <source>order value ≈ ₩{krw} ({amount} {currency} at {rate}) reaches the limit of ₩{limit}</source>
        <translation>주문 금액 약 {krw}원({amount} {currency}, 환율 {rate})이 한도 {limit}원에 도달했습니다</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/problem_text.py" line="200"/>
        <source>price {price} is {percent}% from the last price {last} (limit {limit}%)</source>
        <translation>가격 {price}이(가) 현재가 {last} 대비 {percent}%입니다 (한도 {limit}%)</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/problem_text.py" line="203"/>
        <source>price {price} is {ticks} ticks of {tick} from the last price {last} (limit {limit})</source>
        <translation>가격 {price}이(가) 현재가 {last}에서 호가 단위 {tick}로 {ticks}호가 떨어져 있습니다 (한도 {limit})</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/problem_text.py" line="206"/>
        <source>an identical order was sent {seconds} s ago</source>
        <translation>동일한 주문을 {seconds}초 전에 보냈습니다</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/problem_text.py" line="207"/>
        <source>no quote: the checks against the market price were skipped</source>
        <translation>시세 없음: 현재가 기준 점검을 하지 못했습니다</translation>
    </message>
    <message>
        <location filename="../../kisdesk/ui/problem_text.py" line="210"/>
        <source>no KRW exchange rate for {currency}: the order value check was skipped</source>
        <translation>{currency} 원화 환율 없음: 주문 금액 점검을 하지 못했습니다</translation>
    </message>
</context>
</TS>
